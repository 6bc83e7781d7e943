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

/**
 * Words of the subscription pages (sign-up, confirm, unsubscribe, preferences), per newsletter
 * language. Plain text like the template words: the page builder escapes every value.
 */
export interface PageWords {
  subscribeTitle: string;
  subscribeIntro: string;
  emailLabel: string;
  emailHint: string;
  newsletterLabel: string;
  /** Label of the honeypot field; only robots see it. */
  honeypotLabel: string;
  subscribeButton: string;
  privacyNote: string;
  checkInboxTitle: string;
  checkInboxBody: (newsletterTitle: string) => string;
  invalidEmailTitle: string;
  invalidEmailBody: string;
  unknownNewsletterBody: string;
  /** The page behind a confirm link: a GET shows it, only its button (a POST) confirms. */
  confirmTitle: string;
  confirmBody: (newsletterTitle: string) => string;
  confirmButton: string;
  confirmedTitle: string;
  confirmedBody: (newsletterTitle: string) => string;
  linkExpiredTitle: string;
  confirmExpiredBody: string;
  linkInvalidTitle: string;
  linkInvalidBody: string;
  unsubscribeTitle: string;
  unsubscribeBody: (newsletterTitle: string) => string;
  unsubscribeButton: string;
  unsubscribedTitle: string;
  unsubscribedBody: (newsletterTitle: string) => string;
  preferencesTitle: string;
  preferencesIntro: (redactedEmail: string) => string;
  saveButton: string;
  savedBody: string;
  eraseTitle: string;
  eraseBody: string;
  eraseButton: string;
  erasedTitle: string;
  erasedBody: string;
  subscribeAgain: string;
  notFoundTitle: string;
  notFoundBody: string;
  tooLargeTitle: string;
  tooLargeBody: string;
  errorTitle: string;
  errorBody: string;
}

export const PAGE_WORDS: Readonly<Record<Language, PageWords>> = {
  'zh-Hant': {
    subscribeTitle: '訂閱電子報',
    subscribeIntro: '每一期都把新文章的重點整理好寄給您。',
    emailLabel: '電子郵件地址',
    emailHint: '我們會寄一封確認信到這個地址。',
    newsletterLabel: '電子報',
    honeypotLabel: '請勿填寫此欄',
    subscribeButton: '訂閱',
    privacyNote: '您的地址只用來寄送電子報，不會提供給他人。每封信都附有一鍵取消訂閱的連結。',
    checkInboxTitle: '請到收件匣確認',
    checkInboxBody: (title) => `如果這個地址可以收信，我們已寄出一封確認信。請按信中的連結完成訂閱《${title}》，連結在 7 天內有效。`,
    invalidEmailTitle: '請檢查電子郵件地址',
    invalidEmailBody: '這個電子郵件地址似乎不正確，請檢查後再試一次，例如 name@example.com。',
    unknownNewsletterBody: '找不到您選擇的電子報，請從清單中選擇一份。',
    confirmTitle: '確認訂閱',
    confirmBody: (title) => `按下按鈕，確認以這個地址訂閱《${title}》。`,
    confirmButton: '確認訂閱',
    confirmedTitle: '訂閱完成',
    confirmedBody: (title) => `感謝您確認，您已訂閱《${title}》。`,
    linkExpiredTitle: '連結已過期',
    confirmExpiredBody: '這個確認連結已超過 7 天。請重新訂閱，我們會寄一封新的確認信給您。',
    linkInvalidTitle: '連結無效',
    linkInvalidBody: '這個連結無效或已不再使用，沒有任何變更。請使用信中完整的連結。',
    unsubscribeTitle: '取消訂閱',
    unsubscribeBody: (title) => `要停止接收《${title}》嗎？按下按鈕即可取消訂閱。`,
    unsubscribeButton: '取消訂閱',
    unsubscribedTitle: '已取消訂閱',
    unsubscribedBody: (title) => `您已取消訂閱《${title}》，之後不會再收到這份電子報。`,
    preferencesTitle: '訂閱設定',
    preferencesIntro: (email) => `選擇 ${email} 要收到的電子報。`,
    saveButton: '儲存設定',
    savedBody: '您的設定已儲存。',
    eraseTitle: '刪除我的資料',
    eraseBody: '刪除與此地址有關的所有資料並取消所有訂閱。我們只會保留一個無法還原的雜湊值，確保不再寄信給您。',
    eraseButton: '刪除我的所有資料',
    erasedTitle: '資料已刪除',
    erasedBody: '我們已刪除與您地址有關的所有資料，之後不會再寄信給您。',
    subscribeAgain: '重新訂閱',
    notFoundTitle: '找不到頁面',
    notFoundBody: '這個網址沒有對應的頁面。',
    tooLargeTitle: '資料太大',
    tooLargeBody: '送出的資料超過上限，請只填寫表單欄位後再試一次。',
    errorTitle: '暫時無法處理',
    errorBody: '我們這邊出了點問題，請過幾分鐘再試一次。',
  },
  'zh-Hans': {
    subscribeTitle: '订阅电子报',
    subscribeIntro: '每一期都把新文章的要点整理好发给你。',
    emailLabel: '电子邮件地址',
    emailHint: '我们会发一封确认邮件到这个地址。',
    newsletterLabel: '电子报',
    honeypotLabel: '请勿填写此栏',
    subscribeButton: '订阅',
    privacyNote: '你的地址只用来发送电子报，不会提供给他人。每封邮件都附有一键取消订阅的链接。',
    checkInboxTitle: '请到收件箱确认',
    checkInboxBody: (title) => `如果这个地址可以收信，我们已发出一封确认邮件。请点击邮件中的链接完成订阅《${title}》，链接在 7 天内有效。`,
    invalidEmailTitle: '请检查电子邮件地址',
    invalidEmailBody: '这个电子邮件地址似乎不正确，请检查后再试一次，例如 name@example.com。',
    unknownNewsletterBody: '找不到你选择的电子报，请从列表中选择一份。',
    confirmTitle: '确认订阅',
    confirmBody: (title) => `点击按钮，确认用这个地址订阅《${title}》。`,
    confirmButton: '确认订阅',
    confirmedTitle: '订阅完成',
    confirmedBody: (title) => `感谢你的确认，你已订阅《${title}》。`,
    linkExpiredTitle: '链接已过期',
    confirmExpiredBody: '这个确认链接已超过 7 天。请重新订阅，我们会给你发一封新的确认邮件。',
    linkInvalidTitle: '链接无效',
    linkInvalidBody: '这个链接无效或已不再使用，没有任何变更。请使用邮件中完整的链接。',
    unsubscribeTitle: '取消订阅',
    unsubscribeBody: (title) => `要停止接收《${title}》吗？点击按钮即可取消订阅。`,
    unsubscribeButton: '取消订阅',
    unsubscribedTitle: '已取消订阅',
    unsubscribedBody: (title) => `你已取消订阅《${title}》，之后不会再收到这份电子报。`,
    preferencesTitle: '订阅设置',
    preferencesIntro: (email) => `选择 ${email} 要收到的电子报。`,
    saveButton: '保存设置',
    savedBody: '你的设置已保存。',
    eraseTitle: '删除我的数据',
    eraseBody: '删除与此地址有关的所有数据并取消所有订阅。我们只会保留一个无法还原的哈希值，确保不再给你发信。',
    eraseButton: '删除我的所有数据',
    erasedTitle: '数据已删除',
    erasedBody: '我们已删除与你地址有关的所有数据，之后不会再给你发信。',
    subscribeAgain: '重新订阅',
    notFoundTitle: '找不到页面',
    notFoundBody: '这个网址没有对应的页面。',
    tooLargeTitle: '数据太大',
    tooLargeBody: '提交的数据超过上限，请只填写表单字段后再试一次。',
    errorTitle: '暂时无法处理',
    errorBody: '我们这边出了点问题，请过几分钟再试一次。',
  },
  en: {
    subscribeTitle: 'Subscribe',
    subscribeIntro: 'The key points of new articles, in your inbox with every edition.',
    emailLabel: 'Email address',
    emailHint: 'We will send a confirmation link to this address.',
    newsletterLabel: 'Newsletter',
    honeypotLabel: 'Leave this field empty',
    subscribeButton: 'Subscribe',
    privacyNote: 'We use your address only to send the newsletter and never share it. Every email has a one-click unsubscribe link.',
    checkInboxTitle: 'Check your inbox',
    checkInboxBody: (title) => `If this address can receive mail, we have sent it a confirmation link. Open it to finish subscribing to ${title}; it works for 7 days.`,
    invalidEmailTitle: 'Please check the email address',
    invalidEmailBody: 'This does not look like a working email address. Please check it and try again, for example name@example.com.',
    unknownNewsletterBody: 'We could not find the newsletter you chose. Please pick one from the list.',
    confirmTitle: 'Confirm your subscription',
    confirmBody: (title) => `Press the button to confirm that this address subscribes to ${title}.`,
    confirmButton: 'Confirm subscription',
    confirmedTitle: 'You are subscribed',
    confirmedBody: (title) => `Thank you for confirming. You are now subscribed to ${title}.`,
    linkExpiredTitle: 'This link has expired',
    confirmExpiredBody: 'Confirmation links work for 7 days. Subscribe again and we will send you a new one.',
    linkInvalidTitle: 'This link is not valid',
    linkInvalidBody: 'This link is not valid or no longer in use, and nothing was changed. Please use the complete link from the email.',
    unsubscribeTitle: 'Unsubscribe',
    unsubscribeBody: (title) => `Stop receiving ${title}? Press the button to unsubscribe.`,
    unsubscribeButton: 'Unsubscribe',
    unsubscribedTitle: 'You are unsubscribed',
    unsubscribedBody: (title) => `You have unsubscribed from ${title} and will not receive it any more.`,
    preferencesTitle: 'Subscription preferences',
    preferencesIntro: (email) => `Choose the newsletters ${email} receives.`,
    saveButton: 'Save preferences',
    savedBody: 'Your preferences are saved.',
    eraseTitle: 'Erase my data',
    eraseBody: 'Delete everything we hold about this address and end every subscription. We keep only a one-way hash so that we never email it again.',
    eraseButton: 'Erase all my data',
    erasedTitle: 'Your data is erased',
    erasedBody: 'We have deleted everything we held about your address and will not email it again.',
    subscribeAgain: 'Subscribe again',
    notFoundTitle: 'Page not found',
    notFoundBody: 'There is no page at this address.',
    tooLargeTitle: 'Too much data',
    tooLargeBody: 'The form sent more data than we accept. Please fill in only the form fields and try again.',
    errorTitle: 'Something went wrong',
    errorBody: 'Something went wrong on our side. Please try again in a few minutes.',
  },
};

/** The page words for a newsletter language. */
export function pageWordsFor(language: Language): PageWords {
  return PAGE_WORDS[language];
}
