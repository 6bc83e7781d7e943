import type { EditionModel } from '../functions/core/edition.js';

/**
 * Sample editions for previews and tests, so both render exactly the same thing.
 * The zh-Hant edition mixes two Chinese articles (one without a public link, as a folder article
 * has) with an English one quoted from an English source.
 */

export const sampleEdition = {
  newsletterId: 'ai-talent',
  editionId: 'ai-talent-2025-07-14-3f2a9c1b',
  newsletterTitle: 'AI 人才週報',
  language: 'zh-Hant',
  date: '2025-07-14',
  subject: 'AI 人才週報｜頂尖 AI 人才為何選擇出走（另有 2 篇）',
  preheader: 'Meta 以超過 2 億美元的薪酬方案，延攬蘋果基礎模型團隊負責人龐若鳴。',
  articles: [
    {
      id: 'a1b2c3d4',
      title: '頂尖 AI 人才為何選擇出走',
      keyPoints: [
        'Meta 以超過 2 億美元的薪酬方案，延攬蘋果基礎模型團隊負責人龐若鳴。',
        '2025 年 6 月至 7 月，Meta 從 OpenAI 挖走至少 8 名核心研究員，其中 4 名為華人科學家。',
        '文章認為，薪酬之外，研究自由與行政負擔才是人才去留的關鍵。',
      ],
      url: 'https://example.com/news/ai-talent',
      location: 'https://example.com/feed.xml',
    },
    {
      id: 'e5f6a7b8',
      title: '研究環境的「缺氧」問題',
      keyPoints: ['繁瑣的報批流程消耗研究者的精力。', '硬體與經費充足，制度上的軟性阻礙卻仍然存在。'],
      location: 'articles/ai-talent-article.txt',
    },
    {
      id: 'c9d0e1f2',
      title: 'Why top AI researchers change labs',
      keyPoints: [
        'Compensation packages for leading researchers now exceed USD 100 million over four years.',
        'Researchers cite compute access and freedom to publish as reasons to move.',
      ],
      url: 'https://example.org/2025/07/ai-researchers',
      location: 'https://example.org/feed.atom',
    },
  ],
  postalAddress: 'Example Media Ltd., 1 Example Road, Taipei 100, Taiwan',
  fromName: 'AI 人才週報',
  webUrl: 'https://example.com/editions/ai-talent-2025-07-14',
} satisfies EditionModel;

export const sampleEnglishEdition = {
  newsletterId: 'ai-weekly',
  editionId: 'ai-weekly-2025-07-14-8d7e6f5a',
  newsletterTitle: 'AI Weekly',
  language: 'en',
  date: '2025-07-14',
  subject: 'AI Weekly: Why top AI researchers change labs',
  preheader: 'Compensation packages for leading researchers now exceed USD 100 million over four years.',
  articles: [
    {
      id: 'c9d0e1f2',
      title: 'Why top AI researchers change labs',
      keyPoints: [
        'Compensation packages for leading researchers now exceed USD 100 million over four years.',
        'Researchers cite compute access and freedom to publish as reasons to move.',
        'Labs that lose people tend to lose them in groups, not one at a time.',
      ],
      url: 'https://example.org/2025/07/ai-researchers',
      location: 'https://example.org/feed.atom',
    },
  ],
  postalAddress: 'Example Media Ltd.\n1 Example Road\nLondon EC1A 1AA, United Kingdom',
  fromName: 'AI Weekly',
} satisfies EditionModel;
