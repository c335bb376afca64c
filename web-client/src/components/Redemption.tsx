import { useId } from 'react';
import { useTranslation } from 'react-i18next';

export interface UsableCoupon {
  code: string;
  description: string;
}

/** The coupons a member can still use at checkout: not redeemed and not expired. */
export function usableCoupons(
  coupons: readonly { code: string; description: string; redeemed: boolean; validUntil: string }[],
): UsableCoupon[] {
  return coupons
    .filter((coupon) => !coupon.redeemed && new Date(coupon.validUntil).getTime() > Date.now())
    .map((coupon) => ({ code: coupon.code, description: coupon.description }));
}

/**
 * A member's coupon and points to redeem at checkout (placeOrder's couponCode and pointsToRedeem), as the form
 * controls named "coupon" and "points"; the till and the shop's basket both use it.
 */
export function RedemptionFields({ coupons, points }: { coupons: readonly UsableCoupon[]; points: number }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-coupon`}>{t('register.coupon')}</label>
        <select id={`${id}-coupon`} name="coupon" defaultValue="">
          <option value="">{t('register.noCoupon')}</option>
          {coupons.map((coupon) => (
            <option key={coupon.code} value={coupon.code}>
              {coupon.code} — {coupon.description}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-points`}>{t('register.points', { points })}</label>
        <input id={`${id}-points`} name="points" type="number" min={0} max={points} step={1} defaultValue={0} />
      </div>
    </>
  );
}

/** The coupon and points a submitted RedemptionFields asks for: none for a guest or a walk-in customer. */
export function redemptionOf(form: HTMLFormElement, isMember: boolean): { couponCode: string | null; pointsToRedeem: number } {
  if (!isMember) return { couponCode: null, pointsToRedeem: 0 };
  const data = new FormData(form);
  const points = Number(String(data.get('points') ?? '').trim() || '0');
  const couponCode = String(data.get('coupon') ?? '').trim() || null;
  return { couponCode, pointsToRedeem: Number.isInteger(points) ? points : 0 };
}
