//! A connection for [`super::Db::read`]'s bounded reads: a blocking Diesel connection (SQLite,
//! or PostgreSQL through libpq on the blocking pool) or an async PostgreSQL one (tokio-postgres,
//! waiting in the worker's event loop). The reads are written once, as `async fn`s over
//! [`ReadConn`]; on a blocking connection their futures finish on the first poll.

use std::future::Future;

use diesel_async::AsyncPgConnection;
use futures_util::FutureExt as _;

use super::DbConnection;
use crate::error::AppError;

pub enum ReadConn<'a> {
    Blocking(&'a mut DbConnection),
    Async(&'a mut AsyncPgConnection),
}

/// The answer of a read on a blocking connection, which never waits: an `Async` arm is never
/// taken there, so the future is ready at once. A future that is not (a bug) is an internal
/// error, never a panic or a wait.
pub fn finish_now<T>(read: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    read.now_or_never().unwrap_or_else(|| {
        Err(AppError::internal(
            "a read on a blocking connection did not finish at once",
        ))
    })
}

/// [`finish_now`] for a model's read, which answers a Diesel result.
pub fn finish_query<T>(
    read: impl Future<Output = diesel::QueryResult<T>>,
) -> diesel::QueryResult<T> {
    read.now_or_never().unwrap_or_else(|| {
        Err(diesel::result::Error::QueryBuilderError(
            "a read on a blocking connection did not finish at once".into(),
        ))
    })
}

/// The row of a query that asks for one (a Diesel query with `.limit(1)`, or a hot read's
/// [`super::written::Written`] statement, which has its limit), `None` when there is none, on
/// whichever connection `conn` is: `read_first!(conn, Row, query)`. The query is written once
/// and typed for each backend in its own arm (`as_select` takes its backend from the
/// connection), and each arm runs on a concrete connection, so the statement is a prepared one
/// from that connection's cache.
macro_rules! read_first {
    ($conn:expr, $row:ty, $query:expr) => {
        match $conn {
            $crate::db::read::ReadConn::Blocking(conn) => {
                $crate::db::on_backend!(conn, |c| diesel::OptionalExtension::optional(
                    diesel::RunQueryDsl::get_result::<$row>($query, c)
                ))
            }
            $crate::db::read::ReadConn::Async(c) => diesel::OptionalExtension::optional(
                diesel_async::RunQueryDsl::get_result::<$row>($query, c).await,
            ),
        }
    };
}
pub(crate) use read_first;

/// Every row of a Diesel query, as [`read_first`] reads the first: `read_load!(conn, Row, query)`.
macro_rules! read_load {
    ($conn:expr, $row:ty, $query:expr) => {
        match $conn {
            $crate::db::read::ReadConn::Blocking(conn) => {
                $crate::db::on_backend!(conn, |c| diesel::RunQueryDsl::load::<$row>($query, c))
            }
            $crate::db::read::ReadConn::Async(c) => {
                diesel_async::RunQueryDsl::load::<$row>($query, c).await
            }
        }
    };
}
pub(crate) use read_load;
