DROP INDEX sessions_live_created;
DROP INDEX sessions_live_last_used;
DROP INDEX invitations_pending_email;
DROP TABLE invitations;
DROP TABLE sign_in_failures;
