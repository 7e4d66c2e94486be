//! Moving points: [`Client::credit`] and [`Client::debit`] of one reward card, and
//! [`Client::allocate_in_bulk`] with an outcome per row.
//!
//! A credit is `createAndAllocatePoints` with `transactionType` CR and `type`
//! ALLOCATE_POINT; a debit is DR with UNALLOCATE_POINT. The helpers set those pairs (and
//! `transactionCode` ALLOCATION) so nobody has to remember them, and make the caller name
//! the card completely: by its EnKash card id, or by the card account plus the holder's
//! details (which creates the card on the first credit).
//!
//! ```no_run
//! # async fn demo(client: enkash_rewards::Client) -> Result<(), enkash_rewards::Error> {
//! use enkash_rewards::allocation::{PointsTransfer, RewardCardRef};
//! let card = client
//!     .credit(PointsTransfer {
//!         company_id: "CEK1PU9AOO".into(),
//!         card: RewardCardRef::card("EKC04AZHXP"),
//!         points: 11.into(),
//!         unique_reference_number: "CR-2024-000017".into(),
//!     })
//!     .send()
//!     .await?;
//! println!("balance now {:?}", card.otb_balance);
//! # Ok(()) }
//! ```
//!
//! Both are writes carrying your `uniqueReferenceNum`: never resent once they may have
//! reached EnKash (unless you opted in), and a lost answer is
//! [`Error::OutcomeUnknown`], looked up with `getTransactionDetails`.

use std::collections::{BTreeMap, HashMap, VecDeque};

use rust_decimal::Decimal;

use crate::Error;
use crate::operations::CreateAndAllocatePoints;
use crate::types::{BulkAllocatedRow, BulkAllocationResult, BulkAllocationRow};
use crate::types::{PointsOperation, TransactionType};
use crate::{Client, RawJson};

/// The card a credit or debit moves points on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RewardCardRef {
    /// An existing reward card, by its EnKash card id (`enkashCardId`).
    Card {
        /// The card's id, e.g. `EKC04AZHXP`.
        enkash_card_id: String,
    },
    /// The card of a holder under a card account, by the holder's details: EnKash creates
    /// the card on the first credit.
    Holder {
        /// The card account (`cardAccountId`), e.g. `CAQL8YCV3`.
        card_account_id: String,
        /// Who holds the card.
        holder: CardHolderDetails,
    },
}

impl RewardCardRef {
    /// An existing card, by its EnKash card id.
    pub fn card(enkash_card_id: impl Into<String>) -> Self {
        Self::Card {
            enkash_card_id: enkash_card_id.into(),
        }
    }

    /// A holder's card under `card_account_id`, created on the first credit.
    pub fn holder(card_account_id: impl Into<String>, holder: CardHolderDetails) -> Self {
        Self::Holder {
            card_account_id: card_account_id.into(),
            holder,
        }
    }
}

/// The card holder's details that `createAndAllocatePoints` needs to create a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardHolderDetails {
    /// Email.
    pub email: String,
    /// Mobile number.
    pub mobile: String,
    /// Title: Mr, Mrs or Ms.
    pub title: String,
    /// First name.
    pub first_name: String,
    /// Gender, e.g. `M`.
    pub gender: String,
}

/// One credit or debit of points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointsTransfer {
    /// Your EnKash company id (`companyId`).
    pub company_id: String,
    /// The card to credit or debit.
    pub card: RewardCardRef,
    /// How many points (`loadAmount`), exact.
    pub points: Decimal,
    /// Your unique reference for this transfer (`uniqueReferenceNum`): a new one per
    /// transfer, reused only to resend the same transfer once you know it did not happen.
    pub unique_reference_number: String,
}

type Complete = crate::request::typestate::Set;

/// A `createAndAllocatePoints` builder with every required input set.
pub type TransferBuilder =
    CreateAndAllocatePoints<(Complete, Complete, Complete, Complete, Complete, Complete)>;

impl Client {
    /// Credits points to a reward card (CR + ALLOCATE_POINT). Returns the builder ready to
    /// `.send()`; set a timeout or other options on it first if you like.
    pub fn credit(&self, transfer: PointsTransfer) -> TransferBuilder {
        self.transfer(
            transfer,
            TransactionType::Cr,
            PointsOperation::AllocatePoint,
        )
    }

    /// Debits points from a reward card (DR + UNALLOCATE_POINT). Returns the builder ready
    /// to `.send()`.
    pub fn debit(&self, transfer: PointsTransfer) -> TransferBuilder {
        self.transfer(
            transfer,
            TransactionType::Dr,
            PointsOperation::UnallocatePoint,
        )
    }

    fn transfer(
        &self,
        transfer: PointsTransfer,
        direction: TransactionType,
        operation: PointsOperation,
    ) -> TransferBuilder {
        let builder = self
            .create_and_allocate_points()
            .company_id(transfer.company_id)
            .transaction_code("ALLOCATION")
            .transaction_type(direction)
            .r#type(operation)
            .load_amount(transfer.points)
            .unique_reference_number(transfer.unique_reference_number);
        match transfer.card {
            RewardCardRef::Card { enkash_card_id } => builder.enkash_card_id(enkash_card_id),
            RewardCardRef::Holder {
                card_account_id,
                holder,
            } => builder
                .card_account_id(card_account_id)
                .email(holder.email)
                .mobile(holder.mobile)
                .title(holder.title)
                .first_name(holder.first_name)
                .gender(holder.gender),
        }
    }

    /// Creates users and allocates points in bulk (`bulkCreateAndAllocatePoints`), and
    /// reports each row's outcome.
    ///
    /// A documented refusal of the whole batch (HTTP 404/422, or a non-zero `code`, e.g.
    /// "Card Account does not exist for this partner") is not an `Err`: every row is
    /// [`RowStatus::Refused`] with EnKash's message. `Err` is left for answers that say
    /// nothing definite: a transport failure, a lost answer
    /// ([`Error::OutcomeUnknown`]: the batch is never resent), an undecodable answer.
    pub async fn allocate_in_bulk(&self, batch: BulkAllocation) -> Result<BulkReport, Error> {
        let answer = self
            .bulk_create_and_allocate_points()
            .company_id(batch.company_id)
            .card_account_id(batch.card_account_id)
            .is_points_allocation(batch.fund_existing_users)
            .body(batch.rows.clone())
            .send()
            .await;
        match answer {
            Ok(result) => Ok(BulkReport::matched(batch.rows, result)),
            Err(Error::Api { message, .. }) => Ok(BulkReport::refused(batch.rows, message)),
            Err(Error::Http {
                status,
                body_snippet,
                ..
            }) if status.as_u16() == 404 || status.as_u16() == 422 => Ok(BulkReport::refused(
                batch.rows,
                format!("HTTP {status}: {body_snippet}"),
            )),
            Err(other) => Err(other),
        }
    }
}

/// The input of [`Client::allocate_in_bulk`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkAllocation {
    /// Your EnKash company id.
    pub company_id: String,
    /// The card account the points come from.
    pub card_account_id: String,
    /// `isPointsAllocation`: `true` funds existing users as well as new ones; `false`
    /// only creates and funds new users (existing ones get nothing).
    pub fund_existing_users: bool,
    /// One row per user; each has its own `uniqueReferenceNumber`.
    pub rows: Vec<BulkAllocationRow>,
}

/// What happened to each row of a bulk allocation, with the totals.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BulkReport {
    /// One outcome per row sent, in the order sent.
    pub rows: Vec<RowOutcome>,
    /// Rows EnKash lists as created or funded.
    pub allocated: usize,
    /// Rows the whole batch's refusal covers.
    pub refused: usize,
    /// Rows EnKash's success list does not mention.
    pub not_listed: usize,
    /// The answer's members other than the success list (EnKash describes a failed-rows
    /// list and three counters without showing their names), exactly as sent.
    pub other_members: BTreeMap<String, RawJson>,
}

/// One row of a bulk allocation and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RowOutcome {
    /// The row as sent.
    pub row: BulkAllocationRow,
    /// What happened to it.
    pub status: RowStatus,
}

/// The outcome of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RowStatus {
    /// EnKash lists the row as created and/or funded.
    Allocated(Box<BulkAllocatedRow>),
    /// EnKash refused the whole batch with this message (e.g. "Primary Enkash card is not
    /// present. So bulk upload cannot be done").
    Refused(String),
    /// The batch succeeded but the success list does not mention this row: it was not
    /// allocated, or EnKash did not echo it. Look it up by its `uniqueReferenceNumber`
    /// (`getTransactionDetails`) before sending it again.
    NotListed,
}

impl BulkReport {
    fn refused(rows: Vec<BulkAllocationRow>, message: String) -> Self {
        let refused = rows.len();
        Self {
            rows: rows
                .into_iter()
                .map(|row| RowOutcome {
                    row,
                    status: RowStatus::Refused(message.clone()),
                })
                .collect(),
            allocated: 0,
            refused,
            not_listed: 0,
            other_members: BTreeMap::new(),
        }
    }

    /// Pairs each row with the success-list entry that echoes it: by
    /// `uniqueReferenceNumber` when the entry carries one, else by email and mobile. Each
    /// entry is used once, by the first row it echoes. A batch can hold thousands of rows:
    /// the pairing looks each row up instead of scanning the list for it.
    fn matched(rows: Vec<BulkAllocationRow>, result: BulkAllocationResult) -> Self {
        let listed = result.succeeded.unwrap_or_default();
        let picks: Vec<Option<usize>> = {
            let mut echoes = Echoes::of(&listed);
            rows.iter().map(|row| echoes.take(row)).collect()
        };
        let mut listed: Vec<Option<BulkAllocatedRow>> = listed.into_iter().map(Some).collect();
        let outcomes: Vec<RowOutcome> = rows
            .into_iter()
            .zip(picks)
            .map(|(row, pick)| {
                let entry = pick.and_then(|i| listed.get_mut(i)).and_then(Option::take);
                let status = match entry {
                    Some(entry) => RowStatus::Allocated(Box::new(entry)),
                    None => RowStatus::NotListed,
                };
                RowOutcome { row, status }
            })
            .collect();
        let allocated = outcomes
            .iter()
            .filter(|o| matches!(o.status, RowStatus::Allocated(_)))
            .count();
        Self {
            not_listed: outcomes.len() - allocated,
            rows: outcomes,
            allocated,
            refused: 0,
            other_members: result.extra,
        }
    }

    /// Rows sent.
    pub fn total(&self) -> usize {
        self.rows.len()
    }
}

/// The success list's entries by what they echo of a row: the `uniqueReferenceNumber` an
/// entry carries or, for an entry without one, its email and mobile. Each queue holds
/// entries' places in the list, in order, the next unused first.
struct Echoes<'a> {
    by_reference: HashMap<String, VecDeque<usize>>,
    by_contact: HashMap<&'a str, HashMap<&'a str, VecDeque<usize>>>,
}

impl<'a> Echoes<'a> {
    fn of(entries: &'a [BulkAllocatedRow]) -> Self {
        let mut echoes = Echoes {
            by_reference: HashMap::new(),
            by_contact: HashMap::new(),
        };
        for (place, entry) in entries.iter().enumerate() {
            let reference = entry
                .extra
                .get("uniqueReferenceNumber")
                .and_then(|raw| raw.decode::<String>().ok());
            let queue = match (reference, entry.email.as_deref(), entry.mobile.as_deref()) {
                (Some(reference), _, _) => echoes.by_reference.entry(reference).or_default(),
                (None, Some(email), Some(mobile)) => echoes
                    .by_contact
                    .entry(email)
                    .or_default()
                    .entry(mobile)
                    .or_default(),
                // Neither a reference nor both contact details: it echoes no row.
                (None, _, _) => continue,
            };
            queue.push_back(place);
        }
        echoes
    }

    /// The place of the first unused entry that echoes `row`, now used: the earlier of
    /// the next entry carrying its reference and the next one with its contact details,
    /// as a scan of the list in order would find it.
    fn take(&mut self, row: &BulkAllocationRow) -> Option<usize> {
        let by_reference = self
            .by_reference
            .get_mut(row.unique_reference_number.as_str());
        let by_contact = self
            .by_contact
            .get_mut(row.email.as_str())
            .and_then(|by_mobile| by_mobile.get_mut(row.mobile.as_str()));
        let next = |queue: &Option<&mut VecDeque<usize>>| queue.as_ref()?.front().copied();
        let queue = match (next(&by_reference), next(&by_contact)) {
            (Some(reference), Some(contact)) if contact < reference => by_contact,
            (Some(_), _) => by_reference,
            (None, _) => by_contact,
        };
        queue?.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `entry` echoes `row`, as the pairing's documentation says.
    fn echoes(entry: &BulkAllocatedRow, row: &BulkAllocationRow) -> bool {
        let reference = entry
            .extra
            .get("uniqueReferenceNumber")
            .and_then(|raw| raw.decode::<String>().ok());
        match reference {
            Some(reference) => reference == row.unique_reference_number,
            None => {
                entry.email.as_deref() == Some(row.email.as_str())
                    && entry.mobile.as_deref() == Some(row.mobile.as_str())
            }
        }
    }

    /// The pairing a scan of the list finds: each row in turn gets the first unused entry
    /// that echoes it.
    fn scanned(rows: &[BulkAllocationRow], entries: &[BulkAllocatedRow]) -> Vec<Option<usize>> {
        let mut used = vec![false; entries.len()];
        rows.iter()
            .map(|row| {
                let place = (0..entries.len()).find(|&i| !used[i] && echoes(&entries[i], row))?;
                used[place] = true;
                Some(place)
            })
            .collect()
    }

    /// Small batches drawn from few references, emails and mobiles, so that rows share
    /// them, entries repeat, and an entry with a reference and one without compete for a
    /// row: the lookup pairs as the scan does.
    #[test]
    fn rows_pair_with_the_entries_a_scan_of_the_list_finds() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut pick = |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        let mut paired = 0;
        for case in 0..500 {
            let rows: Vec<BulkAllocationRow> = (0..pick(8))
                .map(|_| {
                    let (email, mobile) = (format!("e{}", pick(3)), format!("m{}", pick(3)));
                    let reference = format!("R{}", pick(4));
                    BulkAllocationRow::new("Mr", "N", email, mobile, Decimal::ONE, reference)
                })
                .collect();
            let entries: Vec<BulkAllocatedRow> =
                (0..pick(10))
                    .map(|_| {
                        let mut entry = serde_json::Map::new();
                        match pick(6) {
                            0 => {} // no reference
                            1 => drop(entry.insert("uniqueReferenceNumber".into(), 7.into())),
                            n => drop(entry.insert(
                                "uniqueReferenceNumber".into(),
                                format!("R{}", n - 2).into(),
                            )),
                        }
                        if pick(5) > 0 {
                            entry.insert("email".into(), format!("e{}", pick(3)).into());
                        }
                        if pick(5) > 0 {
                            entry.insert("mobile".into(), format!("m{}", pick(3)).into());
                        }
                        serde_json::from_value(entry.into()).expect("an entry")
                    })
                    .collect();
            let mut echoes = Echoes::of(&entries);
            let picks: Vec<Option<usize>> = rows.iter().map(|row| echoes.take(row)).collect();
            assert_eq!(picks, scanned(&rows, &entries), "case {case}");
            paired += picks.iter().flatten().count();
        }
        assert!(paired > 500, "the cases pair rows: {paired}");
    }
}
