import type { Language } from '../functions/core/config.js';

/**
 * The templates' own words, per newsletter language. Every value is plain text: the renderer
 * escapes it, so a translation can never inject markup. `TemplateWords` is an interface and the
 * table is annotated with it, so a language that misses a key does not compile.
 */

export interface ConfirmWords {
  subject: (newsletterTitle: string) => string;
  body: (newsletterTitle: string) => string;
  button: string;
  /** Introduces the bare confirm link for clients that do not show the button. */
  fallback: string;
  ignore: string;
  whyYouGetThis: (newsletterTitle: string) => string;
}

export interface WelcomeWords {
  subject: (newsletterTitle: string) => string;
  body: (newsletterTitle: string) => string;
  latestEdition: string;
}

export interface TemplateWords {
  greeting: string;
  keyPoints: string;
  readMore: string;
  viewOnline: string;
  whyYouGetThis: (newsletterTitle: string) => string;
  unsubscribe: string;
  preferences: string;
  /** Between a label and its value in the text part: `閱讀全文：https://…` or `Read more: https://…`. */
  labelSeparator: string;
  /** Formats an edition date given as YYYY-MM-DD. */
  formatDate: (isoDate: string) => string;
  /** CSS font stack; CJK faces first for Chinese so punctuation and glyph forms match the script. */
  fontFamily: string;
  confirm: ConfirmWords;
  welcome: WelcomeWords;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function chineseDate(isoDate: string): string {
  const match = ISO_DATE.exec(isoDate);
  if (!match) return isoDate;
  const [, year, month, day] = match;
  return `${year}年${Number(month)}月${Number(day)}日`;
}

const ENGLISH_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function englishDate(isoDate: string): string {
  const match = ISO_DATE.exec(isoDate);
  const month = match ? ENGLISH_MONTHS[Number(match[2]) - 1] : undefined;
  if (!match || !month) return isoDate;
  return `${Number(match[3])} ${month} ${match[1]}`;
}

export const TEMPLATE_WORDS: Readonly<Record<Language, TemplateWords>> = {
  'zh-Hant': {
    greeting: '您好！以下是本期的重點整理。',
    keyPoints: '重點',
    readMore: '閱讀全文',
    viewOnline: '在瀏覽器中查看',
    whyYouGetThis: (title) => `您收到這封信，是因為您訂閱了《${title}》。`,
    unsubscribe: '取消訂閱',
    preferences: '管理訂閱設定',
    labelSeparator: '：',
    formatDate: chineseDate,
    fontFamily: 'PingFang TC, Noto Sans CJK TC, Noto Sans TC, Microsoft JhengHei, Heiti TC, Helvetica, Arial, sans-serif',
    confirm: {
      subject: (title) => `請確認訂閱《${title}》`,
      body: (title) => `感謝您訂閱《${title}》。請按下方按鈕確認您的電子郵件地址，確認後我們才會開始寄送。`,
      button: '確認訂閱',
      fallback: '如果按鈕無法使用，請將此連結複製到瀏覽器：',
      ignore: '如果您沒有申請訂閱，請忽略這封信，我們不會再寄信給您。',
      whyYouGetThis: (title) => `您收到這封信，是因為有人以此地址申請訂閱《${title}》。`,
    },
    welcome: {
      subject: (title) => `歡迎訂閱《${title}》`,
      body: (title) => `您已成功訂閱《${title}》。每一期我們都會把新文章的重點整理好寄給您。`,
      latestEdition: '閱讀最新一期',
    },
  },
  'zh-Hans': {
    greeting: '你好！以下是本期的要点整理。',
    keyPoints: '要点',
    readMore: '阅读全文',
    viewOnline: '在浏览器中查看',
    whyYouGetThis: (title) => `你收到这封邮件，是因为你订阅了《${title}》。`,
    unsubscribe: '取消订阅',
    preferences: '管理订阅设置',
    labelSeparator: '：',
    formatDate: chineseDate,
    fontFamily: 'PingFang SC, Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, Heiti SC, Helvetica, Arial, sans-serif',
    confirm: {
      subject: (title) => `请确认订阅《${title}》`,
      body: (title) => `感谢你订阅《${title}》。请点击下方按钮确认你的电子邮件地址，确认后我们才会开始发送。`,
      button: '确认订阅',
      fallback: '如果按钮无法使用，请将此链接复制到浏览器：',
      ignore: '如果你没有申请订阅，请忽略这封邮件，我们不会再给你发信。',
      whyYouGetThis: (title) => `你收到这封邮件，是因为有人用此地址申请订阅《${title}》。`,
    },
    welcome: {
      subject: (title) => `欢迎订阅《${title}》`,
      body: (title) => `你已成功订阅《${title}》。每一期我们都会把新文章的要点整理好发给你。`,
      latestEdition: '阅读最新一期',
    },
  },
  en: {
    greeting: 'Hello! Here are the key points from this edition.',
    keyPoints: 'Key points',
    readMore: 'Read more',
    viewOnline: 'View in your browser',
    whyYouGetThis: (title) => `You are receiving this because you subscribed to ${title}.`,
    unsubscribe: 'Unsubscribe',
    preferences: 'Manage preferences',
    labelSeparator: ': ',
    formatDate: englishDate,
    fontFamily: '-apple-system, Segoe UI, Roboto, Helvetica, Arial, PingFang TC, Noto Sans CJK TC, Microsoft JhengHei, sans-serif',
    confirm: {
      subject: (title) => `Confirm your subscription to ${title}`,
      body: (title) => `Thanks for subscribing to ${title}. Please confirm your email address with the button below; nothing is sent until you do.`,
      button: 'Confirm subscription',
      fallback: 'If the button does not work, copy this link into your browser:',
      ignore: 'If you did not ask to subscribe, ignore this email and you will not hear from us again.',
      whyYouGetThis: (title) => `You are receiving this because someone asked to subscribe this address to ${title}.`,
    },
    welcome: {
      subject: (title) => `Welcome to ${title}`,
      body: (title) => `You are now subscribed to ${title}. Each edition brings you the key points of new articles.`,
      latestEdition: 'Read the latest edition',
    },
  },
};

/**
 * The template words for a newsletter language.
 *
 * @example
 * wordsFor('zh-Hant').unsubscribe; // '取消訂閱'
 */
export function wordsFor(language: Language): TemplateWords {
  return TEMPLATE_WORDS[language];
}
