import type { Language } from '../functions/core/config.js';

/** The words of the public archive (index page, feed, sign-up link), per newsletter language. */
export interface ArchiveWords {
  archiveTitle: string;
  archiveIntro: (newsletterTitle: string) => string;
  noEditions: string;
  feedLink: string;
  /** On the sign-up page. */
  pastEditions: string;
  /** Replaces the personal links on an edition's public page. */
  subscribe: string;
}

export const ARCHIVE_WORDS: Readonly<Record<Language, ArchiveWords>> = {
  en: {
    archiveTitle: 'Archive',
    archiveIntro: (t) => `Every edition of ${t} so far, newest first.`,
    noEditions: 'No edition has been sent yet.',
    feedLink: 'Atom feed',
    pastEditions: 'Read past editions',
    subscribe: 'Subscribe',
  },
  'zh-Hant': {
    archiveTitle: '歷期電子報',
    archiveIntro: (t) => `${t} 已寄出的每一期，最新的在前。`,
    noEditions: '尚未寄出任何一期。',
    feedLink: 'Atom 訂閱源',
    pastEditions: '閱讀過去的電子報',
    subscribe: '訂閱',
  },
  'zh-Hans': {
    archiveTitle: '往期电子报',
    archiveIntro: (t) => `${t} 已发送的每一期，最新的在前。`,
    noEditions: '尚未发送任何一期。',
    feedLink: 'Atom 订阅源',
    pastEditions: '阅读往期电子报',
    subscribe: '订阅',
  },
  de: {
    archiveTitle: 'Archiv',
    archiveIntro: (t) => `Alle bisherigen Ausgaben von ${t}, die neueste zuerst.`,
    noEditions: 'Es wurde noch keine Ausgabe versendet.',
    feedLink: 'Atom-Feed',
    pastEditions: 'Frühere Ausgaben lesen',
    subscribe: 'Abonnieren',
  },
  fr: {
    archiveTitle: 'Archives',
    archiveIntro: (t) => `Toutes les éditions de ${t}, de la plus récente à la plus ancienne.`,
    noEditions: 'Aucune édition n’a encore été envoyée.',
    feedLink: 'Flux Atom',
    pastEditions: 'Lire les éditions précédentes',
    subscribe: 'S’abonner',
  },
  es: {
    archiveTitle: 'Archivo',
    archiveIntro: (t) => `Todas las ediciones de ${t}, de la más reciente a la más antigua.`,
    noEditions: 'Todavía no se ha enviado ninguna edición.',
    feedLink: 'Feed Atom',
    pastEditions: 'Leer ediciones anteriores',
    subscribe: 'Suscribirse',
  },
  ja: {
    archiveTitle: 'バックナンバー',
    archiveIntro: (t) => `${t} のこれまでの全号（新しい順）。`,
    noEditions: 'まだ配信された号はありません。',
    feedLink: 'Atom フィード',
    pastEditions: 'バックナンバーを読む',
    subscribe: '購読する',
  },
  ko: {
    archiveTitle: '지난 호',
    archiveIntro: (t) => `${t}의 지금까지 발행된 모든 호(최신순).`,
    noEditions: '아직 발송된 호가 없습니다.',
    feedLink: 'Atom 피드',
    pastEditions: '지난 호 읽기',
    subscribe: '구독하기',
  },
};
