DROP INDEX logout_deliveries_client_id;
DROP INDEX logout_deliveries_due;
DROP TABLE logout_deliveries;
