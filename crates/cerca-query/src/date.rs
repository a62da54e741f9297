//! Date values of `date:` and `modified:`, and the calendar arithmetic they need.
//!
//! Every value becomes a half-open [`DateRange`] `[start, end)`, so a calendar
//! period written by the user (a day, a month, a year) is turned into "from
//! its first day up to the first day after it". The accepted forms are:
//!
//! | written                    | start          | end              |
//! |----------------------------|----------------|------------------|
//! | `2025-09-15`               | 2025-09-15     | 2025-09-16       |
//! | `2025-09`                  | 2025-09-01     | 2025-10-01       |
//! | `2025`                     | 2025-01-01     | 2026-01-01       |
//! | `>=2025-09-01`             | 2025-09-01     | —                |
//! | `>2025-09-01`              | 2025-09-02     | —                |
//! | `<2026`                    | —              | 2026-01-01       |
//! | `<=2025-09`                | —              | 2025-10-01       |
//! | `2025-09-01..2025-09-30`   | 2025-09-01     | 2025-10-01       |
//! | `2025-09-01..`, `..2025-09`| one side open  |                  |
//! | `[2025-09-01 TO 2025-09-30]` | 2025-09-01   | 2025-10-01       |
//! | `{2025-09-01 TO 2025-09-30}` | 2025-09-02   | 2025-09-30       |
//! | `[* TO 2026}`              | —              | 2026-01-01       |
//! | `>7d` (also `>=7d`)        | 7 days ago     | —                |
//! | `<2w` (also `<=2w`)        | —              | 2 weeks ago      |
//!
//! `..` ranges include both ends, like `[ TO ]`; `{`/`}` exclude their end,
//! like Lucene. Relative points (`h`, `d`, `w`, `m`, `y` ago) are instants,
//! so including or excluding them makes no difference. Years have exactly
//! four digits; months and days one or two. A bare relative value (`date:7d`)
//! is rejected because it is ambiguous: write `>7d` or `<7d`.

use std::fmt;

use crate::ast::{AgoUnit, DatePoint, DateRange, Day, Span};
use crate::error::{ParseError, ParseErrorKind};

/// What any date value may look like (shown when nothing else fits).
pub(crate) const EXPECTED_VALUE: &str =
    "expected a date (2025, 2025-09 or 2025-09-15), a comparison \
     (>=2025-09-01, <2026, >7d) or a range (2025-09-01..2025-09-30, [2025-09-01 TO 2025-09-30])";
/// What one end of a comparison or range may look like.
const EXPECTED_POINT: &str = "expected a date like 2025-09-15, 2025-09 or 2025, \
     or a time ago like 7d (units h, d, w, m, y)";
/// A time ago too large to count.
const AGE_TOO_LARGE: &str = "a time ago counts at most 4294967295 units \
     (every date since the year 0 is within 2100y)";
/// A bare relative value, which could mean either direction.
const EXPECTED_DIRECTION: &str =
    "expected a direction for a time ago: `>7d` (within the last 7 days) \
     or `<7d` (older than 7 days)";
/// A malformed bracket range.
const EXPECTED_BRACKETS: &str =
    "expected a range like [2025-09-01 TO 2025-09-30], with `*` for an open end";
/// A bracket range whose closing bracket never comes.
pub(crate) const EXPECTED_CLOSING_BRACKET: &str = "expected `]` or `}` to close the date range";

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Day {
    /// A validated calendar day, or `None` if it does not exist.
    ///
    /// ```
    /// use cerca_query::Day;
    /// assert!(Day::new(2024, 2, 29).is_some()); // leap year
    /// assert!(Day::new(2025, 2, 29).is_none());
    /// assert!(Day::new(2025, 13, 1).is_none());
    /// ```
    pub fn new(year: i32, month: u8, day: u8) -> Option<Day> {
        (day >= 1 && day <= Day::days_in_month(year, month)).then_some(Day { year, month, day })
    }

    /// Whether `year` has a 29th of February (proleptic Gregorian calendar).
    ///
    /// ```
    /// use cerca_query::Day;
    /// assert!(Day::is_leap_year(2024) && Day::is_leap_year(2000));
    /// assert!(!Day::is_leap_year(1900) && !Day::is_leap_year(2025));
    /// ```
    pub fn is_leap_year(year: i32) -> bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days of `month` (1-12) in `year`; 0 for a month that does not exist.
    pub fn days_in_month(year: i32, month: u8) -> u8 {
        match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if Day::is_leap_year(year) => 29,
            2 => 28,
            _ => 0,
        }
    }

    /// The following day.
    ///
    /// ```
    /// use cerca_query::Day;
    /// let d = Day::new(2024, 12, 31).unwrap();
    /// assert_eq!(d.next_day(), Day::new(2025, 1, 1).unwrap());
    /// ```
    pub fn next_day(self) -> Day {
        if self.day < Day::days_in_month(self.year, self.month) {
            Day {
                day: self.day + 1,
                ..self
            }
        } else {
            self.first_of_next_month()
        }
    }

    /// The preceding day.
    ///
    /// ```
    /// use cerca_query::Day;
    /// let d = Day::new(2024, 3, 1).unwrap();
    /// assert_eq!(d.prev_day(), Day::new(2024, 2, 29).unwrap());
    /// ```
    pub fn prev_day(self) -> Day {
        if self.day > 1 {
            return Day {
                day: self.day - 1,
                ..self
            };
        }
        let (year, month) = match self.month {
            // Out-of-range months (the fields are public) count as January.
            0 | 1 => (self.year.saturating_sub(1), 12),
            m => (self.year, (m - 1).min(12)),
        };
        Day {
            year,
            month,
            day: Day::days_in_month(year, month),
        }
    }

    /// The first day of the month after this day's month.
    pub fn first_of_next_month(self) -> Day {
        if self.month >= 12 {
            self.first_of_next_year()
        } else {
            Day {
                year: self.year,
                month: self.month + 1,
                day: 1,
            }
        }
    }

    /// The first of January of the following year.
    pub fn first_of_next_year(self) -> Day {
        Day {
            year: self.year.saturating_add(1),
            month: 1,
            day: 1,
        }
    }
}

/// `YYYY-MM-DD`, the form the query language reads back.
impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl AgoUnit {
    /// The letter used in queries: `h`, `d`, `w`, `m` or `y`.
    pub fn letter(self) -> char {
        match self {
            AgoUnit::Hours => 'h',
            AgoUnit::Days => 'd',
            AgoUnit::Weeks => 'w',
            AgoUnit::Months => 'm',
            AgoUnit::Years => 'y',
        }
    }

    /// The unit written as `letter`, if any.
    pub fn from_letter(letter: char) -> Option<AgoUnit> {
        Some(match letter {
            'h' => AgoUnit::Hours,
            'd' => AgoUnit::Days,
            'w' => AgoUnit::Weeks,
            'm' => AgoUnit::Months,
            'y' => AgoUnit::Years,
            _ => return None,
        })
    }
}

/// `2025-09-15` or `7d`.
impl fmt::Display for DatePoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatePoint::Day(day) => day.fmt(f),
            DatePoint::Ago { amount, unit } => write!(f, "{amount}{}", unit.letter()),
        }
    }
}

/// The value syntax (what follows `date:`) that parses back to this range,
/// choosing the most readable form: `2025-09`, `>=2025-09-01`,
/// `2025-09-01..2025-09-30`, `>7d`, `[2025-09-01 TO 7d]`…
///
/// ```
/// use cerca_query::{DatePoint, DateRange, Day};
/// let sept = DateRange {
///     start: Some(DatePoint::Day(Day::new(2025, 9, 1).unwrap())),
///     end: Some(DatePoint::Day(Day::new(2025, 10, 1).unwrap())),
/// };
/// assert_eq!(sept.to_string(), "2025-09");
/// ```
impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DatePoint::{Ago, Day as D};
        match (self.start, self.end) {
            (None, None) => f.write_str("[* TO *]"),
            (Some(D(s)), None) if writable(s) => write!(f, ">={s}"),
            (Some(D(s)), None) => write!(f, ">{}", s.prev_day()),
            (None, Some(D(e))) if writable(e) => write!(f, "<{e}"),
            (None, Some(D(e))) => write!(f, "<={}", e.prev_day()),
            (Some(a @ Ago { .. }), None) => write!(f, ">{a}"),
            (None, Some(a @ Ago { .. })) => write!(f, "<{a}"),
            (Some(D(s)), Some(D(e))) => {
                if e == s.next_day() {
                    write!(f, "{s}")
                } else if s.day == 1 && e == s.first_of_next_month() {
                    write!(f, "{:04}-{:02}", s.year, s.month)
                } else if s.month == 1 && s.day == 1 && e == s.first_of_next_year() {
                    write!(f, "{:04}", s.year)
                } else {
                    write!(f, "{s}..{}", e.prev_day())
                }
            }
            (Some(start), Some(end)) => {
                match start {
                    D(s) if !writable(s) => write!(f, "{{{} TO ", s.prev_day())?,
                    _ => write!(f, "[{start} TO ")?,
                }
                match end {
                    D(e) if !writable(e) => write!(f, "{}]", e.prev_day()),
                    _ => write!(f, "{end}}}"),
                }
            }
        }
    }
}

/// Whether a day can be written as a date literal (four-digit year).
fn writable(day: Day) -> bool {
    (0..=9999).contains(&day.year)
}

/// A calendar period as written (`2025`, `2025-09`, `2025-09-15`) or a time ago.
enum Point {
    Period { first: Day, after: Day },
    Ago(DatePoint),
}

impl Point {
    /// The bound for "from this point on".
    fn start(&self) -> DatePoint {
        match self {
            Point::Period { first, .. } => DatePoint::Day(*first),
            Point::Ago(p) => *p,
        }
    }

    /// The bound for "up to and including this point".
    fn end(&self) -> DatePoint {
        match self {
            Point::Period { after, .. } => DatePoint::Day(*after),
            Point::Ago(p) => *p,
        }
    }
}

/// Parses the value of a `date:`/`modified:` clause; `offset` is where `text`
/// starts in the query, so that error spans point into the query.
pub(crate) fn parse_value(text: &str, offset: usize) -> Result<DateRange, ParseError> {
    let whole = Span::new(offset, offset + text.len());
    let range = if text.starts_with(['[', '{']) {
        parse_brackets(text, offset)?
    } else if let Some(dots) = text.find("..") {
        let (left, right) = (&text[..dots], &text[dots + 2..]);
        DateRange {
            start: optional_point(left, offset)?.map(|p| p.start()),
            end: optional_point(right, offset + dots + 2)?.map(|p| p.end()),
        }
    } else if let Some((op, rest)) = [">=", "<=", ">", "<"]
        .into_iter()
        .find_map(|op| text.strip_prefix(op).map(|rest| (op, rest)))
    {
        if rest.is_empty() {
            return Err(malformed(EXPECTED_POINT, whole));
        }
        let point = parse_point(rest, offset + op.len(), EXPECTED_POINT)?;
        match op {
            ">=" => DateRange {
                start: Some(point.start()),
                end: None,
            },
            ">" => DateRange {
                start: Some(point.end()),
                end: None,
            },
            "<=" => DateRange {
                start: None,
                end: Some(point.end()),
            },
            _ => DateRange {
                start: None,
                end: Some(point.start()),
            },
        }
    } else {
        match parse_point(text, offset, EXPECTED_VALUE)? {
            point @ Point::Period { .. } => DateRange {
                start: Some(point.start()),
                end: Some(point.end()),
            },
            Point::Ago(_) => return Err(malformed(EXPECTED_DIRECTION, whole)),
        }
    };
    check_order(range, whole)?;
    Ok(range)
}

/// `[a TO b]`, `{a TO b}` and mixes; `*` leaves a side open.
fn parse_brackets(text: &str, offset: usize) -> Result<DateRange, ParseError> {
    let whole = Span::new(offset, offset + text.len());
    // The lexer only hands over text ending in a closing bracket; stay safe anyway.
    if text.len() < 2 || !text.ends_with([']', '}']) {
        return Err(malformed(EXPECTED_CLOSING_BRACKET, whole));
    }
    let include_start = text.starts_with('[');
    let include_end = text.ends_with(']');
    let inner = &text[1..text.len() - 1];
    let parts: Vec<(usize, &str)> = inner
        .split_whitespace()
        .map(|part| {
            (
                offset + 1 + (part.as_ptr() as usize - inner.as_ptr() as usize),
                part,
            )
        })
        .collect();
    let [(from_at, from), (_, "TO"), (to_at, to)] = parts[..] else {
        return Err(malformed(EXPECTED_BRACKETS, whole));
    };
    let start = match from {
        "*" => None,
        _ => {
            let p = parse_point(from, from_at, EXPECTED_POINT)?;
            Some(if include_start { p.start() } else { p.end() })
        }
    };
    let end = match to {
        "*" => None,
        _ => {
            let p = parse_point(to, to_at, EXPECTED_POINT)?;
            Some(if include_end { p.end() } else { p.start() })
        }
    };
    Ok(DateRange { start, end })
}

fn optional_point(text: &str, offset: usize) -> Result<Option<Point>, ParseError> {
    if text.is_empty() {
        Ok(None)
    } else {
        parse_point(text, offset, EXPECTED_POINT).map(Some)
    }
}

/// One date literal or time ago; `expected` is the message if it is neither.
fn parse_point(text: &str, offset: usize, expected: &'static str) -> Result<Point, ParseError> {
    let span = Span::new(offset, offset + text.len());
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());

    // A time ago: digits then a unit letter.
    if let Some(unit) = text.chars().last().and_then(AgoUnit::from_letter) {
        let digits = &text[..text.len() - 1];
        if all_digits(digits) {
            // All digits: only too large to count can fail, and saying
            // "malformed" of a well-formed age misleads.
            let amount = digits.parse::<u32>().map_err(|_| {
                ParseError::new(
                    ParseErrorKind::ImpossibleDate {
                        value: text.to_owned(),
                        reason: AGE_TOO_LARGE.to_owned(),
                    },
                    span,
                )
            })?;
            return Ok(Point::Ago(DatePoint::Ago { amount, unit }));
        }
    }

    // A date: YYYY, YYYY-M(M), YYYY-M(M)-D(D).
    let fields: Vec<&str> = text.split('-').collect();
    let shape_ok = fields.len() <= 3
        && fields[0].len() == 4
        && fields.iter().all(|f| all_digits(f))
        && fields[1..].iter().all(|f| f.len() <= 2);
    if !shape_ok {
        return Err(malformed(expected, span));
    }
    // Four digits, at most two: these cannot overflow.
    let year: i32 = fields[0].parse().unwrap_or_default();
    let month: Option<u8> = fields.get(1).map(|m| m.parse().unwrap_or_default());
    let day: Option<u8> = fields.get(2).map(|d| d.parse().unwrap_or_default());

    let impossible = |reason: String| {
        ParseError::new(
            ParseErrorKind::ImpossibleDate {
                value: text.to_owned(),
                reason,
            },
            span,
        )
    };
    if let Some(m) = month {
        if !(1..=12).contains(&m) {
            return Err(impossible(format!(
                "there is no month {m}; months go from 01 to 12"
            )));
        }
    }
    let period = match (month, day) {
        (None, _) => {
            let first = Day {
                year,
                month: 1,
                day: 1,
            };
            Point::Period {
                first,
                after: first.first_of_next_year(),
            }
        }
        (Some(month), None) => {
            let first = Day {
                year,
                month,
                day: 1,
            };
            Point::Period {
                first,
                after: first.first_of_next_month(),
            }
        }
        (Some(month), Some(d)) => {
            let first = Day::new(year, month, d).ok_or_else(|| {
                impossible(format!(
                    "{} {year} has {} days",
                    MONTH_NAMES[usize::from(month) - 1],
                    Day::days_in_month(year, month)
                ))
            })?;
            Point::Period {
                first,
                after: first.next_day(),
            }
        }
    };
    Ok(period)
}

/// Rejects ranges that cannot contain anything: start at or after end.
fn check_order(range: DateRange, span: Span) -> Result<(), ParseError> {
    let empty = match (range.start, range.end) {
        (Some(DatePoint::Day(a)), Some(DatePoint::Day(b))) => a >= b,
        (Some(a), Some(b)) => match (ago_in_common_unit(a), ago_in_common_unit(b)) {
            // The start lies further back in time, so it must be the larger amount.
            (Some((class_a, a)), Some((class_b, b))) if class_a == class_b => a <= b,
            // Months and days, or a day and a time ago: only known when the query runs.
            _ => false,
        },
        _ => false,
    };
    if empty {
        Err(ParseError::new(ParseErrorKind::InvertedDateRange, span))
    } else {
        Ok(())
    }
}

/// A time ago in hours (class 0) or months (class 1), the units that convert exactly.
fn ago_in_common_unit(point: DatePoint) -> Option<(u8, u64)> {
    let DatePoint::Ago { amount, unit } = point else {
        return None;
    };
    let amount = u64::from(amount);
    Some(match unit {
        AgoUnit::Hours => (0, amount),
        AgoUnit::Days => (0, amount * 24),
        AgoUnit::Weeks => (0, amount * 24 * 7),
        AgoUnit::Months => (1, amount),
        AgoUnit::Years => (1, amount * 12),
    })
}

fn malformed(expected: &'static str, span: Span) -> ParseError {
    ParseError::new(ParseErrorKind::MalformedDate { expected }, span)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u8, d: u8) -> Day {
        Day::new(y, m, d).expect("valid test day")
    }

    fn on(y: i32, m: u8, d: u8) -> Option<DatePoint> {
        Some(DatePoint::Day(day(y, m, d)))
    }

    fn ago(amount: u32, unit: AgoUnit) -> Option<DatePoint> {
        Some(DatePoint::Ago { amount, unit })
    }

    fn range(start: Option<DatePoint>, end: Option<DatePoint>) -> DateRange {
        DateRange { start, end }
    }

    fn ok(text: &str) -> DateRange {
        parse_value(text, 0).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn err(text: &str) -> ParseError {
        parse_value(text, 0).expect_err(text)
    }

    #[test]
    fn leap_years() {
        assert!(Day::is_leap_year(2024));
        assert!(Day::is_leap_year(2000));
        assert!(Day::is_leap_year(1600));
        assert!(!Day::is_leap_year(1900));
        assert!(!Day::is_leap_year(2100));
        assert!(!Day::is_leap_year(2025));
        assert_eq!(Day::days_in_month(2024, 2), 29);
        assert_eq!(Day::days_in_month(2025, 2), 28);
        assert_eq!(Day::days_in_month(2025, 4), 30);
        assert_eq!(Day::days_in_month(2025, 12), 31);
        assert_eq!(Day::days_in_month(2025, 13), 0);
        assert_eq!(Day::days_in_month(2025, 0), 0);
    }

    #[test]
    fn validation() {
        assert!(Day::new(2025, 2, 28).is_some());
        assert!(Day::new(2025, 2, 29).is_none());
        assert!(Day::new(2024, 2, 29).is_some());
        assert!(Day::new(2025, 4, 31).is_none());
        assert!(Day::new(2025, 1, 0).is_none());
        assert!(Day::new(2025, 0, 1).is_none());
        assert!(Day::new(2025, 13, 1).is_none());
    }

    #[test]
    fn day_arithmetic() {
        assert_eq!(day(2025, 9, 15).next_day(), day(2025, 9, 16));
        assert_eq!(day(2025, 9, 30).next_day(), day(2025, 10, 1));
        assert_eq!(day(2025, 12, 31).next_day(), day(2026, 1, 1));
        assert_eq!(day(2024, 2, 28).next_day(), day(2024, 2, 29));
        assert_eq!(day(2025, 2, 28).next_day(), day(2025, 3, 1));
        assert_eq!(day(2025, 3, 1).prev_day(), day(2025, 2, 28));
        assert_eq!(day(2024, 3, 1).prev_day(), day(2024, 2, 29));
        assert_eq!(day(2026, 1, 1).prev_day(), day(2025, 12, 31));
        assert_eq!(day(2025, 1, 31).first_of_next_month(), day(2025, 2, 1));
        assert_eq!(day(2025, 12, 5).first_of_next_month(), day(2026, 1, 1));
        assert_eq!(day(2025, 6, 5).first_of_next_year(), day(2026, 1, 1));
    }

    #[test]
    fn next_and_prev_are_inverse_over_years() {
        let mut d = day(1999, 12, 25);
        for _ in 0..2000 {
            let n = d.next_day();
            assert!(n > d, "{n} after {d}");
            assert_eq!(n.prev_day(), d);
            assert!(Day::new(n.year, n.month, n.day).is_some());
            d = n;
        }
        assert_eq!(d, day(2005, 6, 16));
    }

    #[test]
    fn arithmetic_on_invalid_days_does_not_panic() {
        let weird = Day {
            year: i32::MAX,
            month: 200,
            day: 0,
        };
        let _ = (
            weird.next_day(),
            weird.prev_day(),
            weird.first_of_next_month(),
        );
        let low = Day {
            year: i32::MIN,
            month: 0,
            day: 0,
        };
        let _ = (low.next_day(), low.prev_day());
    }

    #[test]
    fn periods() {
        assert_eq!(ok("2025-09-15"), range(on(2025, 9, 15), on(2025, 9, 16)));
        assert_eq!(ok("2025-09"), range(on(2025, 9, 1), on(2025, 10, 1)));
        assert_eq!(ok("2025-12"), range(on(2025, 12, 1), on(2026, 1, 1)));
        assert_eq!(ok("2025"), range(on(2025, 1, 1), on(2026, 1, 1)));
        assert_eq!(ok("2025-9-5"), range(on(2025, 9, 5), on(2025, 9, 6)));
        assert_eq!(ok("2024-02-29"), range(on(2024, 2, 29), on(2024, 3, 1)));
    }

    #[test]
    fn comparisons() {
        assert_eq!(ok(">=2025-09-01"), range(on(2025, 9, 1), None));
        assert_eq!(ok(">2025-09-01"), range(on(2025, 9, 2), None));
        assert_eq!(ok(">2025-09"), range(on(2025, 10, 1), None));
        assert_eq!(ok("<2026"), range(None, on(2026, 1, 1)));
        assert_eq!(ok("<=2025-09"), range(None, on(2025, 10, 1)));
        assert_eq!(ok("<=2025-09-15"), range(None, on(2025, 9, 16)));
    }

    #[test]
    fn relative() {
        assert_eq!(ok(">7d"), range(ago(7, AgoUnit::Days), None));
        assert_eq!(ok(">=7d"), range(ago(7, AgoUnit::Days), None));
        assert_eq!(ok("<2w"), range(None, ago(2, AgoUnit::Weeks)));
        assert_eq!(ok("<=2w"), range(None, ago(2, AgoUnit::Weeks)));
        assert_eq!(ok(">12h"), range(ago(12, AgoUnit::Hours), None));
        assert_eq!(ok(">3m"), range(ago(3, AgoUnit::Months), None));
        assert_eq!(ok(">1y"), range(ago(1, AgoUnit::Years), None));
    }

    #[test]
    fn ranges() {
        let sept = range(on(2025, 9, 1), on(2025, 10, 1));
        assert_eq!(ok("2025-09-01..2025-09-30"), sept);
        assert_eq!(ok("[2025-09-01 TO 2025-09-30]"), sept);
        assert_eq!(ok("[2025-09-01 TO 2025-10-01}"), sept);
        assert_eq!(ok("[2025-09 TO 2025-09]"), sept);
        assert_eq!(ok("[ 2025-09-01   TO 2025-09-30 ]"), sept);
        assert_eq!(
            ok("{2025-09-01 TO 2025-09-30}"),
            range(on(2025, 9, 2), on(2025, 9, 30))
        );
        assert_eq!(ok("2025-09-01.."), range(on(2025, 9, 1), None));
        assert_eq!(ok("..2025-09-30"), range(None, on(2025, 10, 1)));
        assert_eq!(ok("[* TO 2026}"), range(None, on(2026, 1, 1)));
        assert_eq!(ok("[2025 TO *]"), range(on(2025, 1, 1), None));
        assert_eq!(ok("[* TO *]"), range(None, None));
        assert_eq!(ok(".."), range(None, None));
        assert_eq!(
            ok("[7d TO 2d]"),
            range(ago(7, AgoUnit::Days), ago(2, AgoUnit::Days))
        );
        assert_eq!(
            ok("2w..3d"),
            range(ago(2, AgoUnit::Weeks), ago(3, AgoUnit::Days))
        );
        // Units that do not convert exactly are left for the engine to compare.
        assert_eq!(
            ok("1m..40d"),
            range(ago(1, AgoUnit::Months), ago(40, AgoUnit::Days))
        );
    }

    #[test]
    fn impossible_dates_point_at_the_date() {
        let e = err("2025-13-40");
        assert!(matches!(e.kind, ParseErrorKind::ImpossibleDate { .. }));
        assert_eq!(e.span, Span::new(0, 10));
        assert!(e.to_string().contains("01 to 12"), "{e}");

        let e = err("2025-02-30");
        assert_eq!(e.span, Span::new(0, 10));
        assert!(e.to_string().contains("February 2025 has 28 days"), "{e}");

        let e = parse_value(">=2025-04-31", 10).unwrap_err();
        assert!(matches!(e.kind, ParseErrorKind::ImpossibleDate { .. }));
        assert_eq!(e.span, Span::new(12, 22));

        let e = err("2025-00");
        assert!(matches!(e.kind, ParseErrorKind::ImpossibleDate { .. }));
        let e = err("2025-01-00");
        assert!(matches!(e.kind, ParseErrorKind::ImpossibleDate { .. }));
    }

    #[test]
    fn an_age_too_large_to_count_is_not_called_malformed() {
        // Taken for a malformed date before, "expected … like 7d".
        let error = parse_value(">99999999999y", 9).unwrap_err();
        assert!(
            matches!(&error.kind, ParseErrorKind::ImpossibleDate { value, .. } if value == "99999999999y"),
            "{error}"
        );
        assert_eq!((error.span.start, error.span.end), (10, 22));
        assert!(error.to_string().contains("at most 4294967295"), "{error}");
    }

    #[test]
    fn malformed_dates() {
        for (text, span) in [
            ("yesterday", (0, 9)),
            ("25", (0, 2)),
            ("20250", (0, 5)),
            ("2025-", (0, 5)),
            ("2025-09-15-01", (0, 13)),
            ("2025-001", (0, 8)),
            ("2025/09", (0, 7)),
            (">=", (0, 2)),
            (">x", (1, 2)),
            (">7x", (1, 3)),
            (">7D", (1, 3)),
            ("7d", (0, 2)),
            ("2025..x", (6, 7)),
            ("2025..2026..2027", (6, 16)),
            ("[2025 2026]", (0, 11)),
            ("[2025 to 2026]", (0, 14)),
            ("[2025 TO]", (0, 9)),
            ("[2025 TO nope]", (9, 13)),
            ("[2025", (0, 5)),
        ] {
            let e = err(text);
            assert!(
                matches!(e.kind, ParseErrorKind::MalformedDate { .. }),
                "{text}: {e:?}"
            );
            assert_eq!((e.span.start, e.span.end), span, "{text}");
            assert!(e.to_string().contains("expected"), "{text}: {e}");
        }
        assert!(err("7d").to_string().contains(">7d"));
        assert!(err(">7x").to_string().contains("units h, d, w, m, y"));
    }

    #[test]
    fn inverted_ranges() {
        for text in [
            "2025-09-30..2025-09-01",
            "[2026 TO 2025]",
            "{2025-09-15 TO 2025-09-16}",
            "2d..7d",
            "[1w TO 7d]",
            "1m..2y",
        ] {
            let e = err(text);
            assert_eq!(e.kind, ParseErrorKind::InvertedDateRange, "{text}");
            assert_eq!(e.span, Span::new(0, text.len()), "{text}");
        }
        // A single day is fine.
        assert!(parse_value("2025-09-15..2025-09-15", 0).is_ok());
    }

    #[test]
    fn display_is_canonical_and_reparses() {
        for (text, shown) in [
            ("2025-09-15", "2025-09-15"),
            ("2025-09", "2025-09"),
            ("2025-9", "2025-09"),
            ("2025", "2025"),
            ("2025-09-01..2025-09-30", "2025-09"),
            ("2025-09-01..2025-09-29", "2025-09-01..2025-09-29"),
            ("2025-01-01..2025-12-31", "2025"),
            ("2025..2026", "2025-01-01..2026-12-31"),
            (">=2025-09-01", ">=2025-09-01"),
            (">2025-09-01", ">=2025-09-02"),
            ("<=2025-09", "<2025-10-01"),
            (">9999", ">9999-12-31"),
            ("<=9999", "<=9999-12-31"),
            ("<0000", "<0000-01-01"),
            (">7d", ">7d"),
            ("<2w", "<2w"),
            ("[* TO *]", "[* TO *]"),
            ("..", "[* TO *]"),
            ("2w..3d", "[2w TO 3d}"),
            ("[2025 TO 3d]", "[2025-01-01 TO 3d}"),
            ("[7d TO 9999]", "[7d TO 9999-12-31]"),
            ("{9999-12-30 TO 7d]", "[9999-12-31 TO 7d}"),
            ("{9999-12-31 TO 7d]", "{9999-12-31 TO 7d}"),
        ] {
            let parsed = ok(text);
            assert_eq!(parsed.to_string(), shown, "{text}");
            assert_eq!(ok(shown), parsed, "{text} shown as {shown}");
        }
    }
}
