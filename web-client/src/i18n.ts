// Every visible string goes through i18next: English and Simplified Chinese, switched in the header.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

export const LANGUAGES = { en: 'English', 'zh-CN': '简体中文' } as const;
export type Language = keyof typeof LANGUAGES;

const resources = {
  en: {
    translation: {
      brand: 'Commerce supergraph',
      skip: 'Skip to content',
      nav: { main: 'Main', store: 'Store', basket: 'Basket', dashboard: 'Live stock', orders: 'Order feed', backOffice: 'Back office' },
      language: 'Language',
      socket: { idle: '', connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' },
      user: { signedOut: 'Signed out', signedIn: 'Signed in as {{subject}}', signOut: 'Sign out' },
      pending: {
        title: '{{page}}',
        body: 'This page is being moved to the new web client; the current one is still at the home page.',
        link: 'Open the current web client',
      },
      notFound: 'No such page.',
    },
  },
  'zh-CN': {
    translation: {
      brand: '商务超图',
      skip: '跳到正文',
      nav: { main: '主导航', store: '商店', basket: '购物篮', dashboard: '实时库存', orders: '订单动态', backOffice: '后台' },
      language: '语言',
      socket: { idle: '', connecting: '正在连接…', live: '实时', reconnecting: '正在重新连接…' },
      user: { signedOut: '未登录', signedIn: '已登录：{{subject}}', signOut: '退出登录' },
      pending: {
        title: '{{page}}',
        body: '此页面正在迁移到新的网页客户端；当前版本仍在首页。',
        link: '打开当前网页客户端',
      },
      notFound: '没有这个页面。',
    },
  },
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
