// Every visible string goes through i18next: English and Simplified Chinese (locales/), switched in the header.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { AREAS } from './locales/areas.ts';
import { en } from './locales/en.ts';
import { zhCN } from './locales/zh-CN.ts';

export const LANGUAGES = { en: 'English', 'zh-CN': '简体中文' } as const;
export type Language = keyof typeof LANGUAGES;

const resources = {
  en: { translation: Object.assign({}, en, ...AREAS.map((area) => area.en)) },
  'zh-CN': { translation: Object.assign({}, zhCN, ...AREAS.map((area) => area.zhCN)) },
};

void i18next.use(initReactI18next).init({
  resources,
  lng: navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en',
  fallbackLng: 'en',
  interpolation: { escapeValue: false }, // React escapes
});

// Keep <html lang> true so screen readers pronounce the page in its language.
document.documentElement.lang = i18next.language;
i18next.on('languageChanged', (language) => {
  document.documentElement.lang = language;
});

export default i18next;
