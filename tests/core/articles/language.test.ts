import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../../functions/core/articles/language.js';

describe('detectLanguage', () => {
  it('detects Traditional Chinese', () => {
    expect(detectLanguage('這說明我們真的是在給全球技術造血,但這個血怎麼就流不回自己的血管裡呢?')).toBe('zh-Hant');
  });

  it('detects Simplified Chinese', () => {
    expect(detectLanguage('这说明我们真的是在给全球技术造血,但这个血怎么就流不回自己的血管里呢?')).toBe('zh-Hans');
  });

  it('reads Chinese with Latin brand names as Chinese', () => {
    expect(detectLanguage('Meta從OpenAI一次性挖走至少8名核心成員,其中4名華人科學家的跳槽尤為引人注目。')).toBe('zh-Hant');
  });

  it('detects English', () => {
    expect(detectLanguage('The bridge collapsed during the evening rush hour, and rescuers worked through the night.')).toBe('en');
  });

  it('answers other for Japanese, French and text without letters', () => {
    expect(detectLanguage('東京では今日、新しい駅が開業しました。多くの人が集まりました。')).toBe('other');
    expect(detectLanguage('Le conseil municipal a voté le budget mardi soir après un long débat.')).toBe('other');
    expect(detectLanguage('12345 !!! ---')).toBe('other');
    expect(detectLanguage('')).toBe('other');
  });
});
