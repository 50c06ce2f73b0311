DROP TABLE federation_pending;
DROP TABLE user_identities;
DROP TABLE federation_flows;
