import type { Language } from '../functions/core/config.js';

/** The words of the review flow (approval: "manual"): the operator's copy and the approve/skip pages. */
export interface ReviewWords {
  subjectMark: string;
  banner: string;
  approve: string;
  skip: string;
  approveTitle: string;
  approveBody: (subject: string) => string;
  skipTitle: string;
  skipBody: (subject: string) => string;
  approvedTitle: string;
  approvedBody: (subject: string) => string;
  skippedTitle: string;
  skippedBody: (subject: string) => string;
  doneTitle: string;
  doneBody: (subject: string, status: string) => string;
}

const en: ReviewWords = {
  subjectMark: '[Review]',
  banner: 'This is a draft: nobody on the list has it yet. Send it to the list, or skip it (its articles go into the next edition).',
  approve: 'Approve and send',
  skip: 'Skip this edition',
  approveTitle: 'Send this edition?',
  approveBody: (s) => `“${s}” goes to every confirmed subscriber when you press the button.`,
  skipTitle: 'Skip this edition?',
  skipBody: (s) => `“${s}” will not be sent; its articles go into the next edition.`,
  approvedTitle: 'Edition approved',
  approvedBody: (s) => `“${s}” is being sent to the list.`,
  skippedTitle: 'Edition skipped',
  skippedBody: (s) => `“${s}” will not be sent; its articles go into the next edition.`,
  doneTitle: 'Already decided',
  doneBody: (s, status) => `“${s}” is no longer a draft (${status}): nothing was changed.`,
};

export const REVIEW_WORDS: Readonly<Record<Language, ReviewWords>> = {
  en,
  'zh-Hant': {
    subjectMark: '[審閱]',
    banner: '這是草稿：名單上還沒有人收到。寄給名單，或略過這一期（文章會放進下一期）。',
    approve: '核准並寄出',
    skip: '略過這一期',
    approveTitle: '寄出這一期？',
    approveBody: (s) => `按下按鈕後，「${s}」會寄給每位已確認的訂閱者。`,
    skipTitle: '略過這一期？',
    skipBody: (s) => `「${s}」不會寄出，文章會放進下一期。`,
    approvedTitle: '已核准',
    approvedBody: (s) => `「${s}」正在寄給名單。`,
    skippedTitle: '已略過',
    skippedBody: (s) => `「${s}」不會寄出，文章會放進下一期。`,
    doneTitle: '已經處理過',
    doneBody: (s, status) => `「${s}」已不是草稿（${status}），沒有任何變更。`,
  },
  'zh-Hans': {
    subjectMark: '[审阅]',
    banner: '这是草稿：名单上还没有人收到。发送给名单，或跳过这一期（文章会放进下一期）。',
    approve: '批准并发送',
    skip: '跳过这一期',
    approveTitle: '发送这一期？',
    approveBody: (s) => `按下按钮后，“${s}”会发送给每位已确认的订阅者。`,
    skipTitle: '跳过这一期？',
    skipBody: (s) => `“${s}”不会发送，文章会放进下一期。`,
    approvedTitle: '已批准',
    approvedBody: (s) => `“${s}”正在发送给名单。`,
    skippedTitle: '已跳过',
    skippedBody: (s) => `“${s}”不会发送，文章会放进下一期。`,
    doneTitle: '已经处理过',
    doneBody: (s, status) => `“${s}”已不是草稿（${status}），没有任何更改。`,
  },
  de: {
    ...en,
    subjectMark: '[Freigabe]',
    banner: 'Dies ist ein Entwurf: Noch niemand auf der Liste hat ihn. An die Liste senden oder überspringen (die Artikel kommen in die nächste Ausgabe).',
    approve: 'Freigeben und senden',
    skip: 'Ausgabe überspringen',
    approveTitle: 'Diese Ausgabe senden?',
    approveBody: (s) => `„${s}“ geht an alle bestätigten Abonnenten, sobald Sie den Knopf drücken.`,
    skipTitle: 'Diese Ausgabe überspringen?',
    skipBody: (s) => `„${s}“ wird nicht gesendet; die Artikel kommen in die nächste Ausgabe.`,
    approvedTitle: 'Ausgabe freigegeben',
    approvedBody: (s) => `„${s}“ wird an die Liste gesendet.`,
    skippedTitle: 'Ausgabe übersprungen',
    skippedBody: (s) => `„${s}“ wird nicht gesendet; die Artikel kommen in die nächste Ausgabe.`,
    doneTitle: 'Bereits entschieden',
    doneBody: (s, status) => `„${s}“ ist kein Entwurf mehr (${status}): nichts wurde geändert.`,
  },
  fr: {
    ...en,
    subjectMark: '[Relecture]',
    banner:
      'Ceci est un brouillon : personne sur la liste ne l’a encore reçu. Envoyez-le à la liste, ou passez-le (ses articles iront dans la prochaine édition).',
    approve: 'Approuver et envoyer',
    skip: 'Passer cette édition',
    approveTitle: 'Envoyer cette édition ?',
    approveBody: (s) => `« ${s} » part à tous les abonnés confirmés quand vous appuyez sur le bouton.`,
    skipTitle: 'Passer cette édition ?',
    skipBody: (s) => `« ${s} » ne sera pas envoyée ; ses articles iront dans la prochaine édition.`,
    approvedTitle: 'Édition approuvée',
    approvedBody: (s) => `« ${s} » est en cours d’envoi à la liste.`,
    skippedTitle: 'Édition passée',
    skippedBody: (s) => `« ${s} » ne sera pas envoyée ; ses articles iront dans la prochaine édition.`,
    doneTitle: 'Déjà décidé',
    doneBody: (s, status) => `« ${s} » n’est plus un brouillon (${status}) : rien n’a changé.`,
  },
  es: {
    ...en,
    subjectMark: '[Revisión]',
    banner: 'Esto es un borrador: nadie de la lista lo tiene todavía. Envíalo a la lista u omítelo (sus artículos pasan a la próxima edición).',
    approve: 'Aprobar y enviar',
    skip: 'Omitir esta edición',
    approveTitle: '¿Enviar esta edición?',
    approveBody: (s) => `«${s}» se enviará a todos los suscriptores confirmados al pulsar el botón.`,
    skipTitle: '¿Omitir esta edición?',
    skipBody: (s) => `«${s}» no se enviará; sus artículos pasan a la próxima edición.`,
    approvedTitle: 'Edición aprobada',
    approvedBody: (s) => `«${s}» se está enviando a la lista.`,
    skippedTitle: 'Edición omitida',
    skippedBody: (s) => `«${s}» no se enviará; sus artículos pasan a la próxima edición.`,
    doneTitle: 'Ya decidido',
    doneBody: (s, status) => `«${s}» ya no es un borrador (${status}): no se cambió nada.`,
  },
  ja: {
    ...en,
    subjectMark: '[確認]',
    banner: 'これは下書きです。リストの誰にもまだ届いていません。リストに配信するか、この号を見送ってください（記事は次号に入ります）。',
    approve: '承認して配信',
    skip: 'この号を見送る',
    approveTitle: 'この号を配信しますか？',
    approveBody: (s) => `ボタンを押すと「${s}」が確認済みの全購読者に配信されます。`,
    skipTitle: 'この号を見送りますか？',
    skipBody: (s) => `「${s}」は配信されず、記事は次号に入ります。`,
    approvedTitle: '承認しました',
    approvedBody: (s) => `「${s}」をリストに配信しています。`,
    skippedTitle: '見送りました',
    skippedBody: (s) => `「${s}」は配信されず、記事は次号に入ります。`,
    doneTitle: '処理済みです',
    doneBody: (s, status) => `「${s}」はもう下書きではありません（${status}）。何も変更していません。`,
  },
  ko: {
    ...en,
    subjectMark: '[검토]',
    banner: '초안입니다. 아직 목록의 누구도 받지 않았습니다. 목록에 발송하거나 이번 호를 건너뛰세요(기사는 다음 호에 들어갑니다).',
    approve: '승인하고 발송',
    skip: '이번 호 건너뛰기',
    approveTitle: '이번 호를 발송할까요?',
    approveBody: (s) => `버튼을 누르면 “${s}”이(가) 확인된 모든 구독자에게 발송됩니다.`,
    skipTitle: '이번 호를 건너뛸까요?',
    skipBody: (s) => `“${s}”은(는) 발송되지 않으며 기사는 다음 호에 들어갑니다.`,
    approvedTitle: '승인됨',
    approvedBody: (s) => `“${s}”을(를) 목록에 발송하고 있습니다.`,
    skippedTitle: '건너뜀',
    skippedBody: (s) => `“${s}”은(는) 발송되지 않으며 기사는 다음 호에 들어갑니다.`,
    doneTitle: '이미 처리됨',
    doneBody: (s, status) => `“${s}”은(는) 더 이상 초안이 아닙니다(${status}). 변경된 것이 없습니다.`,
  },
};

/** The words of the review page where an editor changes a draft before approving it. */
export interface EditWords {
  /** The review copy's link to the edit page. */
  edit: string;
  editTitle: string;
  editIntro: string;
  subject: string;
  intro: string;
  introHint: string;
  article: (n: number) => string;
  title: string;
  keyPoints: string;
  keyPointsHint: string;
  position: string;
  drop: string;
  save: string;
  saveAndApprove: string;
  saved: string;
  unchanged: string;
  conflict: string;
  notEditable: string;
  problem: string;
  history: string;
  pastEditions: string;
  pastColumns: {
    edition: string;
    sent: string;
    delivered: string;
    bounces: string;
    complaints: string;
    rejected: string;
    delayed: string;
    opens: string;
    clicks: string;
  };
}

const editEn: EditWords = {
  edit: 'Edit before sending',
  editTitle: 'Edit this draft',
  editIntro: 'Change what the list will get, then save, or save and send. Nothing reaches the list until you send.',
  subject: 'Subject',
  intro: 'Opening words',
  introHint: 'Leave empty for the usual greeting.',
  article: (n) => `Article ${n}`,
  title: 'Title',
  keyPoints: 'Key points',
  keyPointsHint: 'One per line: delete a line to remove a key point, move lines to reorder them.',
  position: 'Position in the edition',
  drop: 'Drop this article (it goes into the next edition)',
  save: 'Save changes',
  saveAndApprove: 'Save and send to the list',
  saved: 'Saved. The list will get the edition as shown here.',
  unchanged: 'Nothing was changed.',
  conflict: 'Someone changed or decided this draft meanwhile; this is the draft as it is now. Make your changes again.',
  notEditable: 'This draft was made before drafts could be edited: approve or skip it as it is.',
  problem: 'Not saved:',
  history: 'Changes so far',
  pastEditions: 'Recent editions',
  pastColumns: {
    edition: 'Edition',
    sent: 'Sent',
    delivered: 'Delivered',
    bounces: 'Bounces',
    complaints: 'Complaints',
    rejected: 'Rejected',
    delayed: 'Delayed',
    opens: 'Opens',
    clicks: 'Clicks',
  },
};

const editZhHant: EditWords = {
  edit: '寄出前編輯',
  editTitle: '編輯這份草稿',
  editIntro: '修改名單將收到的內容，然後儲存，或儲存並寄出。寄出之前，名單上沒有人會收到。',
  subject: '主旨',
  intro: '開場白',
  introHint: '留空則使用平常的問候語。',
  article: (n) => `第 ${n} 篇`,
  title: '標題',
  keyPoints: '重點',
  keyPointsHint: '一行一個重點：刪除一行即移除該重點，移動行即調整順序。',
  position: '在這一期中的位置',
  drop: '移除這篇文章（放進下一期）',
  save: '儲存變更',
  saveAndApprove: '儲存並寄給名單',
  saved: '已儲存。名單將收到此處所示的這一期。',
  unchanged: '沒有任何變更。',
  conflict: '這份草稿已被他人修改或處理；以下是目前的草稿，請重新修改。',
  notEditable: '這份草稿建立時還不能編輯：請直接核准或略過。',
  problem: '未儲存：',
  history: '目前的變更',
  pastEditions: '最近幾期',
  pastColumns: {
    edition: '期別',
    sent: '已寄出',
    delivered: '已送達',
    bounces: '退信',
    complaints: '投訴',
    rejected: '被拒',
    delayed: '延遲',
    opens: '開啟',
    clicks: '點擊',
  },
};

const editZhHans: EditWords = {
  ...editZhHant,
  edit: '发送前编辑',
  editTitle: '编辑这份草稿',
  editIntro: '修改名单将收到的内容，然后保存，或保存并发送。发送之前，名单上没有人会收到。',
  intro: '开场白',
  introHint: '留空则使用平常的问候语。',
  title: '标题',
  keyPoints: '要点',
  keyPointsHint: '一行一个要点：删除一行即移除该要点，移动行即调整顺序。',
  position: '在这一期中的位置',
  drop: '移除这篇文章（放进下一期）',
  save: '保存更改',
  saveAndApprove: '保存并发送给名单',
  saved: '已保存。名单将收到此处所示的这一期。',
  unchanged: '没有任何更改。',
  conflict: '这份草稿已被他人修改或处理；以下是当前的草稿，请重新修改。',
  notEditable: '这份草稿创建时还不能编辑：请直接批准或跳过。',
  problem: '未保存：',
  history: '目前的更改',
  pastEditions: '最近几期',
  pastColumns: {
    edition: '期别',
    sent: '已发送',
    delivered: '已送达',
    bounces: '退信',
    complaints: '投诉',
    rejected: '被拒',
    delayed: '延迟',
    opens: '打开',
    clicks: '点击',
  },
};

/** Languages without their own edit-page words yet read the English ones. */
export const EDIT_WORDS: Readonly<Record<Language, EditWords>> = {
  en: editEn,
  'zh-Hant': editZhHant,
  'zh-Hans': editZhHans,
  de: editEn,
  fr: editEn,
  es: editEn,
  ja: editEn,
  ko: editEn,
};
