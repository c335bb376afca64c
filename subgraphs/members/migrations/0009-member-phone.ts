import { Migration } from '@mikro-orm/migrations';

/** The till finds members by phone (membersByPhone): an index, so a lookup never scans every member. */
export class MembersPhoneIndex extends Migration {
  override name = '0009-members-phone-index';

  override up(): void {
    this.addSql('create index member_phone_index on member (phone, created_at)');
  }
}
