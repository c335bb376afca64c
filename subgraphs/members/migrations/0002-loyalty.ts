import { Migration } from '@mikro-orm/migrations';

/**
 * Tiers, the points ledger, coupons and checkout discounts (loyalty), in SQL
 * that SQLite and MySQL/MariaDB both accept. Points and money are integers;
 * CHECK constraints repeat the rules the code keeps (a balance is never
 * negative, a lot never holds more than it earned).
 */
export class MembersLoyalty extends Migration {
  override name = '0002-members-loyalty';

  override up(): void {
    // The balance is the sum of the member's ledger; it is kept here so a redemption is one conditional UPDATE.
    this.addSql(`create table points_account (
      member_id varchar(36) not null primary key,
      balance bigint not null,
      updated_at datetime(3) not null,
      constraint points_account_balance_not_negative check (balance >= 0))`);

    // The ledger. EARNED entries are lots: `remaining` is what is left of them to redeem, reverse or expire.
    this.addSql(`create table points_entry (
      id varchar(36) not null primary key,
      member_id varchar(36) not null,
      delta bigint not null,
      reason varchar(16) not null,
      order_id varchar(36) null,
      lot_id varchar(36) null,
      expires_at datetime(3) null,
      remaining bigint null,
      created_at datetime(3) not null,
      constraint points_entry_remaining_within_lot check (remaining is null or (remaining >= 0 and remaining <= delta)))`);
    this.addSql('create index points_entry_member_index on points_entry (member_id, id)');
    this.addSql('create index points_entry_lot_index on points_entry (member_id, expires_at)');
    this.addSql('create index points_entry_expiry_index on points_entry (expires_at)');

    // Which lots a redemption took its points from, so a restoration gives them back to the same lots.
    this.addSql(`create table points_allocation (
      entry_id varchar(36) not null,
      lot_id varchar(36) not null,
      points bigint not null,
      primary key (entry_id, lot_id))`);

    // One row per paid order of a member: its spend (for the tier) and the points it earned and gave back.
    this.addSql(`create table order_loyalty (
      order_id varchar(36) not null primary key,
      member_id varchar(36) not null,
      currency char(3) null,
      paid_minor bigint not null,
      refunded_minor bigint not null,
      paid_at datetime(3) null,
      closed_at datetime(3) null,
      aged_out boolean not null,
      earned_points bigint not null,
      reversed_points bigint not null,
      written_off_points bigint not null,
      lot_id varchar(36) null,
      updated_at datetime(3) not null,
      constraint order_loyalty_reversal_within_earned check (reversed_points + written_off_points <= earned_points))`);
    this.addSql('create index order_loyalty_member_index on order_loyalty (member_id, paid_at)');
    this.addSql('create index order_loyalty_window_index on order_loyalty (aged_out, paid_at)');

    // Refunds seen (the payments subgraph's RefundSucceeded), once per refund id.
    this.addSql(`create table points_refund (
      refund_id varchar(64) not null primary key,
      order_id varchar(36) not null,
      currency char(3) not null,
      amount_minor bigint not null,
      full_refund boolean not null,
      created_at datetime(3) not null)`);
    this.addSql('create index points_refund_order_index on points_refund (order_id)');

    this.addSql(`create table coupon_campaign (
      id varchar(36) not null primary key,
      name varchar(120) not null,
      target_tier varchar(16) null,
      discount_percent int null,
      discount_minor bigint null,
      currency char(3) null,
      minimum_spend_minor bigint null,
      valid_from datetime(3) not null,
      valid_until datetime(3) not null,
      terms varchar(400) not null,
      created_by varchar(160) null,
      created_at datetime(3) not null)`);
    this.addSql('create unique index coupon_campaign_name_unique on coupon_campaign (name)');

    this.addSql(`create table coupon (
      id varchar(36) not null primary key,
      campaign_id varchar(36) not null,
      member_id varchar(36) not null,
      code varchar(16) not null,
      redeemed_order_id varchar(36) null,
      redeemed_at datetime(3) null,
      created_at datetime(3) not null,
      constraint coupon_campaign_fk foreign key (campaign_id) references coupon_campaign (id))`);
    this.addSql('create unique index coupon_code_unique on coupon (code)');
    this.addSql('create unique index coupon_campaign_member_unique on coupon (campaign_id, member_id)');
    this.addSql('create index coupon_member_index on coupon (member_id, created_at)');

    // What checkout took off an order (one row per order id: the idempotency key of the redemption).
    this.addSql(`create table checkout_discount (
      order_id varchar(36) not null primary key,
      member_id varchar(36) not null,
      request varchar(400) not null,
      status varchar(16) not null,
      currency char(3) not null,
      coupon_id varchar(36) null,
      coupon_code varchar(16) null,
      coupon_discount_minor bigint not null,
      points_redeemed bigint not null,
      redemption_entry_id varchar(36) null,
      confirmed_at datetime(3) null,
      created_at datetime(3) not null,
      updated_at datetime(3) not null)`);
    this.addSql('create index checkout_discount_unconfirmed_index on checkout_discount (status, confirmed_at, created_at)');
  }
}
