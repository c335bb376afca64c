import { act, field, h, inputValue, message, userErrorText } from '../dom.js';
import { request } from '../graph.js';
import { Login, RegisterMember } from '../operations.js';
import { currentUser, signIn } from '../session.js';

async function logIn(email, password) {
  const { login } = await request(Login, { input: { email, password } });
  const problem = userErrorText(login.userErrors);
  if (problem || !login.token) throw new Error(problem ?? 'the login returned no token');
  // Staff go to their dashboard, members back to the shop; signIn re-renders, so set the hash first.
  const kind = JSON.parse(atob(login.token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).kind;
  location.hash = kind === 'staff' ? '#/dashboard' : '#/store';
  signIn(login.token);
}

export function renderLogin(main) {
  const loginOutput = h('div');
  const loginForm = h(
    'form',
    {
      'aria-labelledby': 'login-heading',
      onsubmit: (event) => {
        event.preventDefault();
        act(loginForm, loginOutput, () => logIn(inputValue(loginForm, 'email'), loginForm.elements.namedItem('password').value));
      },
    },
    field('Email', { name: 'email', type: 'email', autocomplete: 'username', required: true }),
    field('Password', { name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    h('button', { type: 'submit' }, 'Sign in'),
    loginOutput,
  );

  const registerOutput = h('div');
  const registerForm = h(
    'form',
    {
      'aria-labelledby': 'register-heading',
      onsubmit: (event) => {
        event.preventDefault();
        act(registerForm, registerOutput, async () => {
          const email = inputValue(registerForm, 'email');
          const password = registerForm.elements.namedItem('password').value;
          const input = { name: inputValue(registerForm, 'name'), email, password, phone: inputValue(registerForm, 'phone') || undefined };
          const { registerMember } = await request(RegisterMember, { input });
          const problem = userErrorText(registerMember.userErrors);
          if (problem) throw new Error(problem);
          await logIn(email, password);
        });
      },
    },
    field('Name', { name: 'name', autocomplete: 'name', required: true }),
    field('Email', { name: 'email', type: 'email', autocomplete: 'email', required: true }),
    field('Phone (optional)', { name: 'phone', type: 'tel', autocomplete: 'tel' }),
    field('Password (12 characters or more)', {
      name: 'password',
      type: 'password',
      autocomplete: 'new-password',
      minlength: 12,
      required: true,
    }),
    h('button', { type: 'submit' }, 'Register and sign in'),
    registerOutput,
  );

  const user = currentUser();
  main.append(
    h('h1', {}, 'Sign in'),
    user ? message(`You are signed in as ${user.kind}. Signing in again replaces that session.`) : null,
    h(
      'div',
      { className: 'columns' },
      h('section', {}, h('h2', { id: 'login-heading' }, 'Staff and members'), loginForm),
      h('section', {}, h('h2', { id: 'register-heading' }, 'New customer'), registerForm),
    ),
  );
}
