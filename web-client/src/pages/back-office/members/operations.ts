import { graphql } from '../../../gql/index.ts';

export const BackOfficeMemberFields = graphql(`
  fragment BackOfficeMemberFields on Member {
    id
    name
    status
    createdAt
    points
    tier {
      name
      pointsMultiplier
    }
    coupons {
      code
      description
      redeemed
      validUntil
    }
  }
`);

export const BackOfficeMembersByPhone = graphql(`
  query BackOfficeMembersByPhone($phone: String!) {
    membersByPhone(phone: $phone) {
      ...BackOfficeMemberFields
    }
  }
`);

export const BackOfficeMember = graphql(`
  query BackOfficeMember($id: ID!) {
    member(id: $id) {
      ...BackOfficeMemberFields
    }
  }
`);

export const BackOfficeMemberReport = graphql(`
  query BackOfficeMemberReport($from: DateTime!, $to: DateTime!) {
    memberReport(from: $from, to: $to) {
      newMembersPerDay {
        day
        count
      }
      tierDistribution {
        members
        tier {
          name
          pointsMultiplier
          minimumSpend {
            amount
            currencyCode
          }
        }
      }
      pointsLiability {
        points
        members
        value {
          amount
          currencyCode
        }
      }
    }
  }
`);

export const BackOfficeIssueCoupons = graphql(`
  mutation BackOfficeIssueCoupons($input: IssueCouponsInput!) {
    issueCoupons(input: $input) {
      issued
      userErrors {
        code
        field
        message
      }
    }
  }
`);
