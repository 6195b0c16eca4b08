// Interface text in Vietnamese (the default) and English. The chosen language is remembered in
// localStorage; every element with data-i18n="key" (text) or data-i18n-attr="attr:key" follows it.
const strings = {
  vi: {
    title: 'Bản đồ phong trào toàn dân bảo vệ an ninh Tổ quốc',
    short_title: 'Bản đồ ANTT',
    year: 'Năm',
    search_placeholder: 'Tìm đơn vị (vd. hoa binh, da bac)…',
    search_label: 'Tìm theo tên đơn vị',
    search_none: 'Không tìm thấy đơn vị nào',
    search_failed: 'Không tìm được',
    layers: 'Lớp bản đồ',
    legend: 'Chú giải',
    unit: 'Đơn vị được chọn',
    unit_hint: 'Nhấn vào bản đồ hoặc tìm theo tên để xem lịch sử công nhận của một đơn vị.',
    progress: 'Tiến độ thực hiện chỉ tiêu',
    progress_hint: 'Tỷ lệ đơn vị đạt chuẩn An toàn về ANTT theo năm, so với chỉ tiêu 70 % (2015) và 90 % (2020).',
    province: 'Toàn tỉnh',
    district: 'Huyện',
    furthest: 'Các huyện còn xa chỉ tiêu nhất',
    share: 'Tỷ lệ',
    target: 'Chỉ tiêu',
    gap: 'Còn thiếu',
    other_indicators: 'Các chỉ tiêu khác năm',
    no_indicators: 'Chưa có số liệu các chỉ tiêu khác của năm này.',
    indicator: 'Chỉ tiêu',
    result: 'Kết quả',
    assessment: 'Đạt',
    units_count: 'Đạt / tổng',
    status: 'Trạng thái',
    decision: 'Quyết định',
    date: 'Ngày',
    authority: 'Cơ quan',
    note: 'Ghi chú',
    superseded: 'đã được thay thế bằng bản ghi mới hơn',
    no_status: 'Chưa có bản ghi trạng thái nào.',
    lineage_before: 'Hình thành từ',
    lineage_after: 'Trở thành',
    milestones_title: 'Kết quả trước đây trên địa bàn này',
    milestone_ground: '{share} % diện tích đạt chuẩn ANTT',
    milestone_no_ground: 'chưa có số liệu diện tích',
    milestone_villages: '{recognised}/{total} khu dân cư đạt chuẩn',
    valid: 'Hiệu lực',
    code: 'Mã',
    parent: 'Thuộc',
    kind: 'Loại',
    nothing_here: 'Không có đơn vị nào tại điểm này.',
    also_here: 'Cũng tại điểm này',
    loading: 'Đang tải…',
    print: 'In bản đồ',
    panels: 'Bảng điều khiển',
    edit_title: 'Cập nhật trạng thái',
    edit_year: 'Năm',
    edit_decision: 'Số quyết định',
    edit_date: 'Ngày quyết định',
    edit_authority: 'Cơ quan ban hành',
    edit_file: 'Bản chụp quyết định (PDF, JPEG hoặc PNG, tối đa 10 MB)',
    edit_attached: 'Quyết định đã đính kèm',
    edit_save: 'Lưu',
    edit_saving: 'Đang lưu…',
    edit_saved: 'Đã lưu.',
    edit_needs_decision: 'Trạng thái “đạt chuẩn” hoặc “thu hồi” cần số, ngày quyết định và cơ quan ban hành.',
    edit_file_too_big: 'Tệp lớn hơn 10 MB.',
    edit_file_type: 'Tệp phải là PDF, JPEG hoặc PNG.',
    edit_conflict: 'Người khác vừa sửa trạng thái này; biểu mẫu đã hiện bản mới. Kiểm tra lại rồi lưu.',
    edit_file_failed: 'Đã lưu trạng thái nhưng chưa lưu được tệp quyết định',
    statuses: {
      not_registered: 'Chưa đăng ký', registered: 'Đã đăng ký', proposed: 'Đề nghị công nhận',
      recognised: 'Đạt chuẩn An toàn về ANTT', not_recognised: 'Không đạt', revoked: 'Thu hồi công nhận',
    },
    language_button: 'EN',
    sign_in: 'Đăng nhập',
    sign_out: 'Đăng xuất',
    language_name: 'English',
    error: 'Lỗi',
    api_missing: 'Máy chủ chưa có dữ liệu này (/api).',
    zoom_in_for: 'hiện từ mức thu phóng',
    all_met: 'Tất cả các huyện đã đạt chỉ tiêu.',
    in_year: 'năm',
    open_full: 'Mở bản đồ đầy đủ',
    licences: 'Giấy phép phần mềm',
    kinds: {
      province: 'Tỉnh', district: 'Huyện', commune: 'Xã, phường, thị trấn', village: 'Khu dân cư',
      agency: 'Cơ quan', enterprise: 'Doanh nghiệp', school: 'Nhà trường',
    },
  },
  en: {
    title: 'Map of the people’s movement to protect national security',
    short_title: 'ANTT map',
    year: 'Year',
    search_placeholder: 'Find a unit (e.g. hoa binh, da bac)…',
    search_label: 'Search by unit name',
    search_none: 'No unit found',
    search_failed: 'Search failed',
    layers: 'Map layers',
    legend: 'Legend',
    unit: 'Selected unit',
    unit_hint: 'Click the map or search by name to see a unit’s recognition history.',
    progress: 'Progress towards the targets',
    progress_hint: 'Share of units recognised “safe for security and order” per year, against the 70 % (2015) and 90 % (2020) targets.',
    province: 'Province',
    district: 'District',
    furthest: 'Districts furthest from the target',
    share: 'Share',
    target: 'Target',
    gap: 'Gap',
    other_indicators: 'Other indicators of',
    no_indicators: 'No other indicator recorded for this year.',
    indicator: 'Indicator',
    result: 'Result',
    assessment: 'Met',
    units_count: 'Recognised / total',
    status: 'Status',
    decision: 'Decision',
    date: 'Date',
    authority: 'Authority',
    note: 'Note',
    superseded: 'superseded by a newer record',
    no_status: 'No status recorded yet.',
    lineage_before: 'Made from',
    lineage_after: 'Became',
    milestones_title: 'Earlier results on this ground',
    milestone_ground: '{share} % of its ground recognised',
    milestone_no_ground: 'no figures for its ground',
    milestone_villages: '{recognised} of {total} villages recognised',
    valid: 'Valid',
    code: 'Code',
    parent: 'Part of',
    kind: 'Kind',
    nothing_here: 'No unit at this point.',
    also_here: 'Also here',
    loading: 'Loading…',
    print: 'Print the map',
    panels: 'Panels',
    edit_title: 'Set the status of',
    edit_year: 'Year',
    edit_decision: 'Decision number',
    edit_date: 'Decision date',
    edit_authority: 'Issuing authority',
    edit_file: 'Scanned decision (PDF, JPEG or PNG, up to 10 MB)',
    edit_attached: 'Attached decision',
    edit_save: 'Save',
    edit_saving: 'Saving…',
    edit_saved: 'Saved.',
    edit_needs_decision: 'Recognised and revoked need the decision number, date and authority.',
    edit_file_too_big: 'The file is larger than 10 MB.',
    edit_file_type: 'The file must be a PDF, JPEG or PNG.',
    edit_conflict: 'Someone else changed this status meanwhile; the form now shows theirs. Check it and save again.',
    edit_file_failed: 'The status was saved, but the decision file was not',
    statuses: {
      not_registered: 'Not registered', registered: 'Registered', proposed: 'Proposed for recognition',
      recognised: 'Recognised safe', not_recognised: 'Not recognised', revoked: 'Recognition revoked',
    },
    language_button: 'VI',
    sign_in: 'Sign in',
    sign_out: 'Sign out',
    language_name: 'Tiếng Việt',
    error: 'Error',
    api_missing: 'The server does not offer this yet (/api).',
    zoom_in_for: 'shown from zoom',
    all_met: 'Every district meets the target.',
    in_year: 'in',
    open_full: 'Open the full map',
    licences: 'Software licences',
    kinds: {
      province: 'Province', district: 'District', commune: 'Commune', village: 'Residential area',
      agency: 'Agency', enterprise: 'Enterprise', school: 'School',
    },
  },
};

const storageKey = 'anttmap.lang';
const listeners = [];
let current = 'vi';

function stored() {
  try {
    return localStorage.getItem(storageKey);
  } catch {
    return null;  // storage disabled (private mode, sandboxed iframe)
  }
}

/** Picks the language: an explicit choice (e.g. /embed?lang=en), else the remembered one, else Vietnamese. */
export function initLanguage(explicit) {
  const wanted = explicit ?? stored();
  current = wanted === 'en' ? 'en' : 'vi';
  applyToDocument();
}

export function lang() {
  return current;
}

export function setLanguage(code, remember = true) {
  current = code === 'en' ? 'en' : 'vi';
  if (remember) {
    try {
      localStorage.setItem(storageKey, current);
    } catch {
      // not remembered; still switched
    }
  }
  applyToDocument();
  for (const listener of listeners) listener(current);
}

export function onLanguageChange(listener) {
  listeners.push(listener);
}

/** The text of `key` ("kinds.commune" for nested keys) in the current language. */
export function t(key) {
  const lookup = (table) => key.split('.').reduce((node, part) => (node == null ? undefined : node[part]), table);
  return lookup(strings[current]) ?? lookup(strings.vi) ?? key;
}

/** The `_vi` or `_en` field of an object from the server (title_vi/title_en, label_vi/label_en). */
export function pick(object, field) {
  if (!object) return '';
  return object[`${field}_${current}`] ?? object[`${field}_vi`] ?? object[field] ?? '';
}

function applyToDocument() {
  document.documentElement.lang = current;
  if (document.body?.classList.contains('viewer')) document.title = `${t('short_title')} – anttmap`;
  for (const element of document.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
  for (const element of document.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of element.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':');
      element.setAttribute(attr, t(key));
    }
  }
}

/** Numbers and percentages the way each language writes them (55,3 % / 55.3 %). */
export function percent(value) {
  if (value == null || Number.isNaN(value)) return '–';
  return `${value.toLocaleString(current === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 })} %`;
}
