import { useMutation } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { Field, formValue, Message, userErrorText } from '../components/forms.tsx';
import { graphql } from '../gql/index.ts';
import { currentUser, signIn } from '../session.ts';

const SignIn = graphql(`
  mutation SignIn($input: LoginInput!) {
    login(input: $input) {
      token
      expiresAt
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const RegisterCustomer = graphql(`
  mutation RegisterCustomer($input: RegisterMemberInput!) {
    registerMember(input: $input) {
      member {
        id
        name
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

/** Staff and members sign in; a new customer registers and is signed in. Staff land on the dashboard, members in the shop. */
export function SignInPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [login] = useMutation(SignIn);
  const [register] = useMutation(RegisterCustomer);
  const [loginProblem, setLoginProblem] = useState<string | null>(null);
  const [registerProblem, setRegisterProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const user = currentUser();

  async function logIn(email: string, password: string): Promise<void> {
    const { data } = await login({ variables: { input: { email, password } } });
    const problem = userErrorText(data?.login.userErrors);
    if (problem || !data?.login.token) throw new Error(problem ?? t('signIn.noToken'));
    signIn(data.login.token);
    await navigate(currentUser()?.kind === 'staff' ? '/dashboard' : '/store');
  }

  async function run(
    event: FormEvent<HTMLFormElement>,
    report: (problem: string | null) => void,
    action: (form: HTMLFormElement) => Promise<void>,
  ) {
    event.preventDefault();
    report(null);
    setBusy(true);
    try {
      await action(event.currentTarget);
    } catch (error) {
      report((error as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h1>{t('signIn.title')}</h1>
      {user ? <Message>{t('signIn.already', { kind: t(`signIn.kind.${user.kind === 'staff' ? 'staff' : 'member'}`) })}</Message> : null}
      <div className="columns">
        <section aria-labelledby="login-heading">
          <h2 id="login-heading">{t('signIn.existing')}</h2>
          <form
            onSubmit={(event) =>
              run(event, setLoginProblem, (form) => logIn(formValue(form, 'email'), String(new FormData(form).get('password') ?? '')))
            }
          >
            <Field label={t('signIn.email')} name="email" type="email" autoComplete="username" required />
            <Field label={t('signIn.password')} name="password" type="password" autoComplete="current-password" required />
            <button type="submit" disabled={busy}>
              {t('signIn.submit')}
            </button>
            {loginProblem ? <Message kind="error">{loginProblem}</Message> : null}
          </form>
        </section>
        <section aria-labelledby="register-heading">
          <h2 id="register-heading">{t('signIn.newCustomer')}</h2>
          <form
            onSubmit={(event) =>
              run(event, setRegisterProblem, async (form) => {
                const email = formValue(form, 'email');
                const password = String(new FormData(form).get('password') ?? '');
                const input = { name: formValue(form, 'name'), email, password, phone: formValue(form, 'phone') || undefined };
                const { data } = await register({ variables: { input } });
                const problem = userErrorText(data?.registerMember.userErrors);
                if (problem) throw new Error(problem);
                await logIn(email, password);
              })
            }
          >
            <Field label={t('signIn.name')} name="name" autoComplete="name" required />
            <Field label={t('signIn.email')} name="email" type="email" autoComplete="email" required />
            <Field label={t('signIn.phone')} name="phone" type="tel" autoComplete="tel" />
            <Field label={t('signIn.newPassword')} name="password" type="password" autoComplete="new-password" minLength={12} required />
            <button type="submit" disabled={busy}>
              {t('signIn.register')}
            </button>
            {registerProblem ? <Message kind="error">{registerProblem}</Message> : null}
          </form>
        </section>
      </div>
    </>
  );
}
