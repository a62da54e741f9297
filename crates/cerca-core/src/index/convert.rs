//! Paths and times as the index stores them.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A path's exact bytes (on Unix; elsewhere its UTF-8, lossily).
#[cfg(unix)]
pub(crate) fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
pub(crate) fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().into_owned().into_bytes()
}

#[cfg(unix)]
pub(crate) fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(OsString::from_vec(bytes.to_vec()))
}

#[cfg(not(unix))]
pub(crate) fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(OsString::from(String::from_utf8_lossy(bytes).into_owned()))
}

/// Nanoseconds since the Unix epoch (negative before it), saturating.
pub(crate) fn nanos(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_nanos()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_nanos()).map_or(i64::MIN, |n| -n),
    }
}

pub(crate) fn from_nanos(nanos: i64) -> SystemTime {
    let magnitude = Duration::from_nanos(nanos.unsigned_abs());
    if nanos >= 0 {
        UNIX_EPOCH + magnitude
    } else {
        UNIX_EPOCH - magnitude
    }
}

/// An instant for a date field, at full precision (the field's own precision
/// truncates it).
pub(crate) fn datetime(time: SystemTime) -> tantivy::DateTime {
    tantivy::DateTime::from_timestamp_nanos(nanos(time))
}

pub(crate) fn system_time(time: tantivy::DateTime) -> SystemTime {
    from_nanos(time.into_timestamp_nanos())
}

/// The day's midnight (UTC). tantivy counts nanoseconds in an i64, so days
/// before 1677-09-21 or after 2262-04-11 saturate to those ends instead of
/// wrapping around (`date:<3000` found nothing, a 1500 date read as 2084).
pub(crate) fn day_to_datetime(day: time::Date) -> tantivy::DateTime {
    let seconds = day.midnight().assume_utc().unix_timestamp();
    tantivy::DateTime::from_timestamp_nanos(seconds.saturating_mul(1_000_000_000))
}

pub(crate) fn datetime_to_day(time: tantivy::DateTime) -> time::Date {
    time.into_utc().date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nanoseconds_round_trip_on_both_sides_of_the_epoch() {
        for n in [0i64, 1, -1, 1_750_000_000_123_456_789, -86_400_000_000_001] {
            assert_eq!(nanos(from_nanos(n)), n);
            assert_eq!(system_time(datetime(from_nanos(n))), from_nanos(n));
        }
    }
}
