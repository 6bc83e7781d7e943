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
  /** Replaces "you are receiving this because you subscribed" on an edition's public page. */
  publicCopyNote: (newsletterTitle: string) => string;
}

export const ARCHIVE_WORDS: Readonly<Record<Language, ArchiveWords>> = {
  en: {
    archiveTitle: 'Archive',
    archiveIntro: (t) => `Every edition of ${t} so far, newest first.`,
    noEditions: 'No edition has been sent yet.',
    feedLink: 'Atom feed',
    pastEditions: 'Read past editions',
    subscribe: 'Subscribe',
    publicCopyNote: (t) => `You are reading the web copy of an edition of ${t}.`,
  },
  'zh-Hant': {
    archiveTitle: '歷期電子報',
    archiveIntro: (t) => `${t} 已寄出的每一期，最新的在前。`,
    noEditions: '尚未寄出任何一期。',
    feedLink: 'Atom 訂閱源',
    pastEditions: '閱讀過去的電子報',
    subscribe: '訂閱',
    publicCopyNote: (t) => `這是《${t}》其中一期的網頁版。`,
  },
  'zh-Hans': {
    archiveTitle: '往期电子报',
    archiveIntro: (t) => `${t} 已发送的每一期，最新的在前。`,
    noEditions: '尚未发送任何一期。',
    feedLink: 'Atom 订阅源',
    pastEditions: '阅读往期电子报',
    subscribe: '订阅',
    publicCopyNote: (t) => `这是《${t}》其中一期的网页版。`,
  },
  de: {
    archiveTitle: 'Archiv',
    archiveIntro: (t) => `Alle bisherigen Ausgaben von ${t}, die neueste zuerst.`,
    noEditions: 'Es wurde noch keine Ausgabe versendet.',
    feedLink: 'Atom-Feed',
    pastEditions: 'Frühere Ausgaben lesen',
    subscribe: 'Abonnieren',
    publicCopyNote: (t) => `Dies ist die Webversion einer Ausgabe von ${t}.`,
  },
  fr: {
    archiveTitle: 'Archives',
    archiveIntro: (t) => `Toutes les éditions de ${t}, de la plus récente à la plus ancienne.`,
    noEditions: 'Aucune édition n’a encore été envoyée.',
    feedLink: 'Flux Atom',
    pastEditions: 'Lire les éditions précédentes',
    subscribe: 'S’abonner',
    publicCopyNote: (t) => `Ceci est la version web d’une édition de ${t}.`,
  },
  es: {
    archiveTitle: 'Archivo',
    archiveIntro: (t) => `Todas las ediciones de ${t}, de la más reciente a la más antigua.`,
    noEditions: 'Todavía no se ha enviado ninguna edición.',
    feedLink: 'Feed Atom',
    pastEditions: 'Leer ediciones anteriores',
    subscribe: 'Suscribirse',
    publicCopyNote: (t) => `Esta es la versión web de una edición de ${t}.`,
  },
  ja: {
    archiveTitle: 'バックナンバー',
    archiveIntro: (t) => `${t} のこれまでの全号（新しい順）。`,
    noEditions: 'まだ配信された号はありません。',
    feedLink: 'Atom フィード',
    pastEditions: 'バックナンバーを読む',
    subscribe: '購読する',
    publicCopyNote: (t) => `「${t}」のウェブ版です。`,
  },
  ko: {
    archiveTitle: '지난 호',
    archiveIntro: (t) => `${t}의 지금까지 발행된 모든 호(최신순).`,
    noEditions: '아직 발송된 호가 없습니다.',
    feedLink: 'Atom 피드',
    pastEditions: '지난 호 읽기',
    subscribe: '구독하기',
    publicCopyNote: (t) => `${t}의 웹 버전입니다.`,
  },
};
