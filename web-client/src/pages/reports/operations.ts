import { graphql } from '../../gql/index.ts';

/** Sales between two instants (to exclusive), one row per day or per SKU: the sales and top-SKU reports. */
export const ReportsSales = graphql(`
  query ReportsSales($from: DateTime!, $to: DateTime!, $groupBy: SalesReportGrouping!) {
    salesReport(from: $from, to: $to, groupBy: $groupBy) {
      rows {
        key
        orders
        units
        revenue {
          amount
          currencyCode
        }
      }
    }
  }
`);

/** Stock on hand at cost, per warehouse. */
export const ReportsStockValuation = graphql(`
  query ReportsStockValuation {
    stockValuation {
      uncostedLevels
      lines {
        warehouse {
          id
          code
          name
        }
        units
        value {
          amount
          currencyCode
        }
      }
    }
  }
`);

/** Members per tier now, and what their unspent points are worth. */
export const ReportsMembers = graphql(`
  query ReportsMembers($from: DateTime!, $to: DateTime!) {
    memberReport(from: $from, to: $to) {
      newMembersPerDay {
        count
      }
      tierDistribution {
        tier {
          name
        }
        members
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
