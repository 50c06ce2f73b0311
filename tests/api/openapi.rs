//! The OpenAPI document covers every JSON route, and `/docs` is served from the binary.

use serde_json::Value;
use sigil::routes::api::openapi::API_ROUTES;

use crate::backend_tests;
use crate::helpers::{header, send, Backend, Requests as _, TestApp};

backend_tests!(
    every_route_is_served_and_documented,
    docs_are_served_offline_with_their_own_csp
);

async fn every_route_is_served_and_documented(b: Backend) {
    let app = TestApp::spawn(b).await;
    let r = app.get("/api/openapi.json").await;
    assert_eq!(r.status(), 200);
    let doc: Value = r.json().await.unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().unwrap();
    let mut documented = Vec::new();
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    for (method, path) in API_ROUTES {
        assert!(
            documented.iter().any(|(m, p)| m == method && p == path),
            "{method} {path} is served but not in the OpenAPI document"
        );
        // The route exists: no 405, and no routing 404 on paths without parameters.
        let path_1 = path.replace("{id}", "1");
        let r = send(
            app.anon
                .request(method.to_uppercase().parse().unwrap(), &path_1),
        )
        .await;
        assert_ne!(r.status(), 405, "{method} {path}");
        if !path.contains('{') {
            assert_ne!(r.status(), 404, "{method} {path}");
        }
    }
    for (method, path) in &documented {
        assert!(
            API_ROUTES.iter().any(|(m, p)| m == method && p == path),
            "{method} {path} is documented but not in API_ROUTES"
        );
        let op = &doc["paths"][path][method];
        assert!(
            !op["responses"].as_object().unwrap().is_empty(),
            "{method} {path}"
        );
    }
    let oauth = &doc["components"]["securitySchemes"]["oauth2"];
    assert_eq!(oauth["flows"]["password"]["tokenUrl"], "/api/auth/token");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let me = &doc["paths"]["/api/users/me"]["get"];
    assert!(me["responses"]["401"].is_object());
}

async fn docs_are_served_offline_with_their_own_csp(b: Backend) {
    let app = TestApp::spawn(b).await;
    let r = app.get("/docs").await;
    assert_eq!(r.status(), 301);
    let r = app.get("/docs/").await;
    assert_eq!(r.status(), 200);
    let csp = header(&r, "content-security-policy");
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("script-src 'self' 'unsafe"),
        "{csp}"
    );
    let html = r.text().await.unwrap();
    assert!(
        html.contains("swagger-ui-bundle.js") && !html.contains("https://"),
        "no CDN"
    );
    for asset in [
        "/docs/swagger-ui-bundle.js",
        "/docs/swagger-ui.css",
        "/docs/swagger-initializer.js",
    ] {
        assert_eq!(app.get(asset).await.status(), 200, "{asset}");
    }
    let home = app.get("/").await;
    let csp = header(&home, "content-security-policy");
    assert!(
        !csp.contains("unsafe-inline"),
        "the relaxation is for /docs only: {csp}"
    );
}
