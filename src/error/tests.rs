//! The challenge and status mapping.

use super::*;

#[test]
fn challenge_without_token_has_no_error_attribute() {
    assert_eq!(
        bearer_challenge(&AuthFailure::Missing),
        r#"Bearer realm="sigil""#
    );
}

#[test]
fn challenge_quotes_cannot_be_broken_out_of() {
    let c = bearer_challenge(&AuthFailure::InvalidToken(r#"bad "x" \ y"#.into()));
    assert_eq!(
        c,
        r#"Bearer realm="sigil", error="invalid_token", error_description="bad 'x' ' y""#
    );
}

#[test]
fn unique_violation_is_a_conflict_and_not_found_a_404() {
    let e: AppError = diesel::result::Error::NotFound.into();
    assert_eq!(e.status_code(), StatusCode::NOT_FOUND);
    let e = AppError::internal("disk on fire");
    assert_eq!(e.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!e.public_detail().contains("disk"));
}
