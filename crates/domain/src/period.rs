//! Period arithmetic (期间计算), Civil Procedure Law art. 85 and Civil Code art. 201–203, as
//! RULES.md §2 states it:
//!
//! - the day the event happens is not counted; counting starts the next day (起算日);
//! - a calendar-day period ends on its last day; rest days in the middle are not deducted; if the
//!   last day is a rest day (weekend or public holiday) the period ends on the first working day
//!   after it;
//! - a month period ends on the same-numbered day of the final month, or that month's last day
//!   when it has no such day; then the same rest-day rule;
//! - a working-day period counts only working days, so it always ends on a working day;
//! - suspended time (中止期间) is deducted: the period is extended by that many calendar days.
//!   For day and month periods the last day moves later by the suspended days before the
//!   rest-day rule; for working-day periods counting resumes after the suspended days.
//!
//! Every result carries the steps that reached it, in Chinese, for the officer to read.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;

use crate::calendar::{weekday_zh, DayReason, WorkingCalendar};
use crate::error::{DomainError, DomainResult};

/// The longest working-day period accepted (about 100 years).
pub const MAX_WORKING_DAYS: u32 = 26_000;

/// How long a period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "unit", content = "n", rename_all = "snake_case")]
pub enum PeriodLimit {
    /// Calendar days (日).
    Days(u32),
    /// Working days (工作日).
    WorkingDays(u32),
    /// Months (月).
    Months(u32),
}

impl PeriodLimit {
    /// `10 日`, `3 个工作日`, `6 个月`.
    pub fn describe_zh(self) -> String {
        match self {
            PeriodLimit::Days(n) => format!("{n} 日"),
            PeriodLimit::WorkingDays(n) => format!("{n} 个工作日"),
            PeriodLimit::Months(n) => format!("{n} 个月"),
        }
    }

    pub fn describe_en(self) -> String {
        match self {
            PeriodLimit::Days(n) => format!("{n} day(s)"),
            PeriodLimit::WorkingDays(n) => format!("{n} working day(s)"),
            PeriodLimit::Months(n) => format!("{n} month(s)"),
        }
    }
}

/// A computed due date and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Due {
    /// The last day of the period, after every rule: always a working day.
    pub date: NaiveDate,
    /// The event day (not counted).
    pub event: NaiveDate,
    /// The first counted day, the day after the event.
    pub start: NaiveDate,
    /// The last day before moving off a rest day (for working-day periods equal to `date`).
    pub nominal: NaiveDate,
    pub limit: PeriodLimit,
    pub suspended_days: u32,
    /// Years touched by the computation for which the calendar has no holiday data.
    pub uncovered_years: Vec<i32>,
    /// How the date was reached, in Chinese.
    pub steps: Vec<String>,
}

/// `9月29日` in the event's year, `2026年1月3日` otherwise.
fn md(d: NaiveDate, base_year: i32) -> String {
    if d.year() == base_year {
        format!("{}月{}日", d.month(), d.day())
    } else {
        full(d)
    }
}

fn full(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn too_far() -> DomainError {
    DomainError::new(
        "period.out_of_range",
        "期间过长，超出可计算的日期范围",
        "the period runs past the range of representable dates",
    )
}

fn rest_reason_zh(cal: &WorkingCalendar, d: NaiveDate) -> String {
    match cal.day_info(d).reason {
        DayReason::Holiday { name } => format!("法定节假日（{name}）"),
        DayReason::MakeupIgnored { name } => {
            format!("休息日（{name}调休上班日，本院不计为工作日）")
        }
        _ => format!("休息日（{}）", weekday_zh(d)),
    }
}

/// Computes when a period that starts with an event on `event` ends.
///
/// `suspended_days` is suspension time to deduct (0 when none). Refused only when the result
/// would fall outside the representable dates or a working-day period is absurdly long.
pub fn due_date(
    event: NaiveDate,
    limit: PeriodLimit,
    cal: &WorkingCalendar,
    suspended_days: u32,
) -> DomainResult<Due> {
    compute(event, limit, cal, suspended_days, true)
}

/// The due date alone, without the explanation: for supervision, which computes many dates and
/// shows none of the steps (formatting them was most of the cost).
pub fn due_date_only(
    event: NaiveDate,
    limit: PeriodLimit,
    cal: &WorkingCalendar,
    suspended_days: u32,
) -> DomainResult<NaiveDate> {
    Ok(compute(event, limit, cal, suspended_days, false)?.date)
}

/// The explanation, written only when asked for.
struct Steps {
    keep: bool,
    lines: Vec<String>,
}

impl Steps {
    fn push(&mut self, line: impl FnOnce() -> String) {
        if self.keep {
            self.lines.push(line());
        }
    }
}

fn compute(
    event: NaiveDate,
    limit: PeriodLimit,
    cal: &WorkingCalendar,
    suspended_days: u32,
    explain: bool,
) -> DomainResult<Due> {
    let y = event.year();
    let start = event.succ_opt().ok_or_else(too_far)?;
    let mut steps = Steps {
        keep: explain,
        lines: Vec::new(),
    };
    steps.push(|| {
        format!(
            "事件发生日为 {}（{}），当日不计入期间",
            full(event),
            weekday_zh(event)
        )
    });
    steps.push(|| format!("起算日为 {}（事件发生次日）", md(start, y)));
    let add_days = |d: NaiveDate, n: u32| d.checked_add_days(Days::new(u64::from(n)));

    let (nominal, date) = match limit {
        PeriodLimit::Days(n) | PeriodLimit::Months(n) => {
            let last = match limit {
                PeriodLimit::Days(0) => {
                    steps.push(|| format!("期间 0 日，期满日为事件发生当日 {}", md(event, y)));
                    event
                }
                PeriodLimit::Days(n) => {
                    let last = add_days(event, n).ok_or_else(too_far)?;
                    steps.push(|| {
                        format!(
                        "期间 {n} 日，自起算日连续计算（期间内的节假日不予扣除），第 {n} 日为 {}",
                        md(last, y)
                    )
                    });
                    last
                }
                _ => {
                    let last = event
                        .checked_add_months(Months::new(n))
                        .ok_or_else(too_far)?;
                    if last.day() == event.day() {
                        steps.push(|| {
                            format!(
                                "期间 {n} 个月，到期月的对应日 {} 为期间最后一日",
                                md(last, y)
                            )
                        });
                    } else {
                        steps.push(|| format!(
                            "期间 {n} 个月，到期月没有对应日（{}日），以该月最后一日 {} 为期间最后一日",
                            event.day(),
                            md(last, y)
                        ));
                    }
                    last
                }
            };
            let last = if suspended_days > 0 {
                let moved = add_days(last, suspended_days).ok_or_else(too_far)?;
                steps.push(|| {
                    format!(
                        "扣除中止期间 {suspended_days} 日，期间最后一日顺延至 {}",
                        md(moved, y)
                    )
                });
                moved
            } else {
                last
            };
            let date = cal.working_day_on_or_after(last).ok_or_else(too_far)?;
            if date != last {
                steps.push(|| {
                    format!(
                        "期满日 {} 为{}，顺延至 {}",
                        md(last, y),
                        rest_reason_zh(cal, last),
                        md(date, y)
                    )
                });
            }
            (last, date)
        }
        PeriodLimit::WorkingDays(n) => {
            if n > MAX_WORKING_DAYS {
                return Err(DomainError::new(
                    "period.too_long",
                    format!("工作日期间不能超过 {MAX_WORKING_DAYS} 个工作日"),
                    format!("a working-day period cannot exceed {MAX_WORKING_DAYS} working days"),
                ));
            }
            // Counting resumes after the suspended days.
            let base = add_days(event, suspended_days).ok_or_else(too_far)?;
            if suspended_days > 0 {
                let resumes = base.succ_opt().ok_or_else(too_far)?;
                steps.push(|| {
                    format!(
                        "扣除中止期间 {suspended_days} 日，自 {} 起继续计算",
                        md(resumes, y)
                    )
                });
            }
            let date = if n == 0 {
                let date = cal.working_day_on_or_after(base).ok_or_else(too_far)?;
                steps.push(|| format!("期间 0 个工作日，当日（{}）届满", md(date, y)));
                date
            } else {
                let mut d = base;
                let mut counted = 0;
                let mut skipped = 0u32;
                while counted < n {
                    d = d.succ_opt().ok_or_else(too_far)?;
                    if cal.is_working_day(d) {
                        counted += 1;
                    } else {
                        skipped += 1;
                    }
                }
                let skipped_zh = if skipped > 0 {
                    format!("，跳过其间 {skipped} 个休息日和节假日")
                } else {
                    String::new()
                };
                steps.push(|| {
                    format!(
                        "期间 {n} 个工作日，只计算工作日{skipped_zh}，第 {n} 个工作日为 {}",
                        md(d, y)
                    )
                });
                d
            };
            (date, date)
        }
    };

    let first_year = event.year();
    let uncovered_years: Vec<i32> = (first_year..=date.year())
        .filter(|yr| !cal.covers_year(*yr))
        .collect();
    if !uncovered_years.is_empty() {
        let list = uncovered_years
            .iter()
            .map(|yr| yr.to_string())
            .collect::<Vec<_>>()
            .join("、");
        steps.push(|| {
            format!("注意：日历中没有 {list} 年的节假日安排，该年度仅按周末计算，请管理员补充")
        });
    }
    steps.push(|| format!("期限届满日为 {}（{}）", full(date), weekday_zh(date)));
    Ok(Due {
        date,
        event,
        start,
        nominal,
        limit,
        suspended_days,
        uncovered_years,
        steps: steps.lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::MakeupTreatment;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn due(event: NaiveDate, limit: PeriodLimit) -> NaiveDate {
        due_date(event, limit, WorkingCalendar::official_ref(), 0)
            .unwrap()
            .date
    }

    use PeriodLimit::{Days as D, Months as M, WorkingDays as W};

    /// Worked examples, each checked by hand against data/cn_calendar.txt and the notices:
    /// (event day, limit, suspended days, makeup treatment, expected due date).
    type Ymd = (i32, u32, u32);
    type Example = (Ymd, PeriodLimit, u32, MakeupTreatment, Ymd);

    #[rustfmt::skip]
    const TABLE: &[Example] = &[
        // 国庆 2025 (10-01..10-08 off, 09-28 Sun and 10-11 Sat make-up working days).
        // 1. Event Sun 9-28; day 1 = 9-29; day 10 = 10-08, a holiday -> first working day 10-09 (Thu).
        ((2025, 9, 28), D(10), 0, MakeupTreatment::Working, (2025, 10, 9)),
        // 2. 9-25 + 15 days = 10-10 (Fri), a working day: the eight holidays inside are not deducted.
        ((2025, 9, 25), D(15), 0, MakeupTreatment::Working, (2025, 10, 10)),
        // 3. 9-24 + 7 = 10-01, holiday; 10-02..10-08 holidays too -> 10-09.
        ((2025, 9, 24), D(7), 0, MakeupTreatment::Working, (2025, 10, 9)),
        // 4. Working days after 9-28: 9-29 (1), 9-30 (2), 10-01..08 off, 10-09 (3).
        ((2025, 9, 28), W(3), 0, MakeupTreatment::Working, (2025, 10, 9)),
        // 5. Continue: 10-10 Fri (4), 10-11 Sat is a make-up working day (5).
        ((2025, 9, 28), W(5), 0, MakeupTreatment::Working, (2025, 10, 11)),
        // 6. Same, court ignores make-up days: 10-11 Sat and 10-12 Sun rest -> 10-13 Mon (5).
        ((2025, 9, 28), W(5), 0, MakeupTreatment::Rest, (2025, 10, 13)),
        // 7. 4-01 + 6 months = 10-01 (对应日), a holiday -> 10-09.
        ((2025, 4, 1), M(6), 0, MakeupTreatment::Working, (2025, 10, 9)),
        // 8. Same with 10 suspended days: 10-01 + 10 = 10-11, a Saturday make-up working day -> 10-11.
        ((2025, 4, 1), M(6), 10, MakeupTreatment::Working, (2025, 10, 11)),
        // 9. 9-28 + 10 days with 3 suspended: 10-08 + 3 = 10-11 (make-up working Saturday).
        ((2025, 9, 28), D(10), 3, MakeupTreatment::Working, (2025, 10, 11)),
        // 春节 2025 (01-28..02-04 off, 01-26 Sun and 02-08 Sat make-up working days).
        // 10. Fri 1-24 + 7 = 1-31, holiday; off until 2-04 -> 2-05 (Wed).
        ((2025, 1, 24), D(7), 0, MakeupTreatment::Working, (2025, 2, 5)),
        // 11. Working days after 1-24: 1-25 Sat no, 1-26 Sun make-up (1), 1-27 Mon (2), 2-05 (3).
        ((2025, 1, 24), W(3), 0, MakeupTreatment::Working, (2025, 2, 5)),
        // 春节 2024 (02-10..02-17 off, 02-04 Sun and 02-18 Sun make-up working days).
        // 12. Thu 2-08 + 3 = 2-11, holiday; 2-12..17 holidays; 2-18 is a make-up working Sunday.
        ((2024, 2, 8), D(3), 0, MakeupTreatment::Working, (2024, 2, 18)),
        // 13. Same, make-up days ignored: 2-18 Sunday is rest -> 2-19 Mon.
        ((2024, 2, 8), D(3), 0, MakeupTreatment::Rest, (2024, 2, 19)),
        // 14. 1-31 + 1 month: February 2024 has no 31st -> 2-29 (leap year, Thu, working).
        ((2024, 1, 31), M(1), 0, MakeupTreatment::Working, (2024, 2, 29)),
        // 国庆 2024 (10-01..10-07 off, 09-29 Sun and 10-12 Sat make-up working days).
        // 15. Mon 9-30 + 7 = 10-07, holiday -> 10-08 (Tue).
        ((2024, 9, 30), D(7), 0, MakeupTreatment::Working, (2024, 10, 8)),
        // 16. Working days after Thu 9-26: 9-27 Fri (1), 9-28 Sat no, 9-29 Sun make-up (2), 9-30 (3).
        ((2024, 9, 26), W(3), 0, MakeupTreatment::Working, (2024, 9, 30)),
        // 春节 2026 (02-15..02-23 off, 02-14 Sat and 02-28 Sat make-up working days).
        // 17. Thu 2-12 + 3 = 2-15, holiday; off until 2-23 -> 2-24 (Tue).
        ((2026, 2, 12), D(3), 0, MakeupTreatment::Working, (2026, 2, 24)),
        // 18. After Tue 2-10: 2-11 (1), 2-12 (2), 2-13 (3), 2-14 Sat make-up (4), 2-24 (5).
        ((2026, 2, 10), W(5), 0, MakeupTreatment::Working, (2026, 2, 24)),
        // 元旦 2026 (01-01..01-03 off, 01-04 Sun make-up working day).
        // 19. 2025-12-31 + 3 = 2026-01-03 Sat holiday -> 01-04, a make-up working Sunday.
        ((2025, 12, 31), D(3), 0, MakeupTreatment::Working, (2026, 1, 4)),
        // 中秋/国庆 2026 (09-25..27 and 10-01..07 off, 09-20 Sun and 10-10 Sat make-up).
        // 20. Thu 9-24 + 1 = 9-25 holiday (中秋); 9-26, 9-27 too -> 9-28 (Mon).
        ((2026, 9, 24), D(1), 0, MakeupTreatment::Working, (2026, 9, 28)),
        // 21. Thu 9-24 + 7 = 10-01, holiday; off until 10-07 -> 10-08 (Thu).
        ((2026, 9, 24), D(7), 0, MakeupTreatment::Working, (2026, 10, 8)),
        // 22. 8-31 + 1 month: September has no 31st -> 9-30 (Wed, working).
        ((2026, 8, 31), M(1), 0, MakeupTreatment::Working, (2026, 9, 30)),
        // 23. The first working day after Wed 9-30 is 10-08 (Thu).
        ((2026, 9, 30), W(1), 0, MakeupTreatment::Working, (2026, 10, 8)),
    ];

    #[test]
    fn period_worked_examples() {
        for &((ey, em, ed), limit, susp, makeup, (y, m, day)) in TABLE {
            let cal = WorkingCalendar::official().with_makeup_treatment(makeup);
            let got = due_date(d(ey, em, ed), limit, &cal, susp).unwrap();
            assert_eq!(
                got.date,
                d(y, m, day),
                "{ey}-{em}-{ed} + {limit:?} (suspended {susp}, {makeup:?}): {:#?}",
                got.steps
            );
            assert!(cal.is_working_day(got.date));
            assert!(got.uncovered_years.is_empty());
        }
    }

    #[test]
    fn period_steps_explain_in_chinese() {
        let got = due_date(d(2025, 9, 28), D(10), WorkingCalendar::official_ref(), 0).unwrap();
        assert_eq!(got.start, d(2025, 9, 29));
        assert_eq!(got.nominal, d(2025, 10, 8));
        assert_eq!(
            got.steps,
            vec![
                "事件发生日为 2025年9月28日（星期日），当日不计入期间".to_string(),
                "起算日为 9月29日（事件发生次日）".into(),
                "期间 10 日，自起算日连续计算（期间内的节假日不予扣除），第 10 日为 10月8日".into(),
                "期满日 10月8日 为法定节假日（国庆节），顺延至 10月9日".into(),
                "期限届满日为 2025年10月9日（星期四）".into(),
            ]
        );
        let got = due_date(d(2025, 3, 31), M(2), WorkingCalendar::official_ref(), 0).unwrap();
        // 5-31 (Sat) is the 对应日; 5-31..6-02 is 端午节 -> Tue 6-03.
        assert_eq!(got.nominal, d(2025, 5, 31));
        assert_eq!(got.date, d(2025, 6, 3));
        assert!(got.steps[3].contains("端午节"), "{:?}", got.steps);
        let got = due_date(d(2025, 1, 31), M(1), WorkingCalendar::official_ref(), 0).unwrap();
        assert!(got.steps[2].contains("没有对应日"), "{:?}", got.steps);
        assert_eq!(got.nominal, d(2025, 2, 28));
    }

    #[test]
    fn period_uncovered_year_is_flagged() {
        let got = due_date(d(2026, 12, 20), D(30), WorkingCalendar::official_ref(), 0).unwrap();
        assert_eq!(got.uncovered_years, vec![2027]);
        assert!(got.steps.iter().any(|s| s.contains("2027 年")));
    }

    #[test]
    fn period_zero_and_limits() {
        let cal = WorkingCalendar::official_ref();
        // Same-day node on a holiday: the next working day.
        assert_eq!(due(d(2025, 10, 1), D(0)), d(2025, 10, 9));
        assert_eq!(due(d(2025, 10, 9), W(0)), d(2025, 10, 9));
        assert_eq!(due(d(2025, 10, 9), M(0)), d(2025, 10, 9));
        let err = due_date(d(2025, 1, 1), W(MAX_WORKING_DAYS + 1), cal, 0).unwrap_err();
        assert_eq!(err.code, "period.too_long");
        let err = due_date(NaiveDate::MAX, D(1), cal, 0).unwrap_err();
        assert_eq!(err.code, "period.out_of_range");
        let err = due_date(d(2025, 1, 1), D(u32::MAX), cal, u32::MAX).unwrap_err();
        assert_eq!(err.code, "period.out_of_range");
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        // 2003-06 .. 2028: around and beyond the covered years.
        (0i64..9000).prop_map(|o| d(2003, 6, 1) + chrono::Duration::days(o))
    }

    fn any_makeup() -> impl Strategy<Value = MakeupTreatment> {
        prop_oneof![Just(MakeupTreatment::Working), Just(MakeupTreatment::Rest)]
    }

    proptest! {
        #[test]
        fn period_prop_day_period_at_least_n_and_working(
            start in any_date(), n in 0u32..400, s in 0u32..60, mk in any_makeup()
        ) {
            let cal = WorkingCalendar::official().with_makeup_treatment(mk);
            let got = due_date(start, D(n), &cal, s).unwrap();
            prop_assert!(got.date >= start + chrono::Duration::days(i64::from(n + s)));
            prop_assert!(cal.is_working_day(got.date));
            // Moved only across rest days.
            for day in got.nominal.iter_days().take_while(|x| *x < got.date) {
                prop_assert!(!cal.is_working_day(day));
            }
        }

        #[test]
        fn period_prop_monotonic_in_n(
            start in any_date(), n in 0u32..300, mk in any_makeup()
        ) {
            let cal = WorkingCalendar::official().with_makeup_treatment(mk);
            for lim in [(D(n), D(n + 1)), (W(n), W(n + 1)), (M(n % 40), M(n % 40 + 1))] {
                let a = due_date(start, lim.0, &cal, 0).unwrap().date;
                let b = due_date(start, lim.1, &cal, 0).unwrap().date;
                prop_assert!(a <= b, "{:?} {} > {:?} {}", lim.0, a, lim.1, b);
            }
            let a = due_date(start, D(n), &cal, 0).unwrap().date;
            let b = due_date(start, D(n), &cal, 5).unwrap().date;
            prop_assert!(a <= b);
        }

        #[test]
        fn period_prop_working_days_count_exactly_n(
            start in any_date(), n in 1u32..250, s in 0u32..30, mk in any_makeup()
        ) {
            let cal = WorkingCalendar::official().with_makeup_treatment(mk);
            let got = due_date(start, W(n), &cal, s).unwrap();
            prop_assert!(cal.is_working_day(got.date));
            let base = start + chrono::Duration::days(i64::from(s));
            prop_assert_eq!(cal.working_days_between(base, got.date), n);
        }

        #[test]
        fn period_prop_month_period_from_31st_lands_on_month_end(
            ym in 0i32..300, n in 1u32..40
        ) {
            // Months with 31 days from 2003 on.
            let y = 2003 + ym / 12;
            let m = [1u32, 3, 5, 7, 8, 10, 12][(ym % 7) as usize];
            let start = d(y, m, 31);
            let got = due_date(start, M(n), WorkingCalendar::official_ref(), 0).unwrap();
            prop_assert!(got.nominal.succ_opt().unwrap().day() == 1, "{}", got.nominal);
            let months = (got.nominal.year() - y) * 12 + got.nominal.month() as i32 - m as i32;
            prop_assert_eq!(months, n as i32);
            prop_assert!(WorkingCalendar::official_ref().is_working_day(got.date));
            prop_assert!(got.date >= got.nominal);
        }

        #[test]
        fn period_prop_month_period_same_day_when_it_exists(
            start in any_date(), n in 0u32..60
        ) {
            let got = due_date(start, M(n), WorkingCalendar::official_ref(), 0).unwrap();
            if start.day() <= 28 {
                prop_assert_eq!(got.nominal.day(), start.day());
            }
        }
    }
}
