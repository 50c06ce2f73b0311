//! Values that can only hold what the contract allows: each is built by `parse`, which returns
//! the message a person should read when the input is wrong.

pub mod cursor;
pub mod page;
mod passkeys;
mod pats;
mod posts;
mod users;

pub use page::{Keyset, PageParams, PageRequest};
pub use passkeys::PasskeyName;
pub use pats::TokenName;
pub use posts::{NewPost, NewPostRequest, PostBody, PostTitle, Visibility};
pub use users::{Email, Password, Role, Username};
