import { area } from '../../locales/area.ts';

// The back office's own strings; each section keeps its strings in its folder's locale.ts.
export const backOfficeStrings = area(
  {
    backOffice: {
      title: 'Back office',
      sections: 'Back-office sections',
      signIn: 'The back office is for staff. Sign in with a staff account.',
      nothingAllowed: 'Your role grants none of the back office’s tasks.',
      choose: 'Choose a task.',
    },
  },
  {
    backOffice: {
      title: '后台',
      sections: '后台栏目',
      signIn: '后台仅供员工使用，请用员工账号登录。',
      nothingAllowed: '您的角色没有任何后台操作权限。',
      choose: '请选择一项任务。',
    },
  },
);
