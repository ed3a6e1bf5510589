//! Zones from zone-file text, served by hickory's in-memory authoritative store.
use std::sync::Arc;

use hickory_server::{
    proto::{
        rr::{LowerName, Name},
        serialize::txt::Parser,
    },
    store::in_memory::InMemoryZoneHandler,
    zone_handler::{AxfrPolicy, Catalog, ZoneType},
};

/// The sample zone: every verdict the exercise needs, under the reserved `.test` TLD (RFC 6761).
/// Real TTLs (300 s): tests that count lookups turn the *client's* cache off instead
/// ([`super::test_resolver_options`]). Served by [`super::DnsServer::sample`].
pub const SAMPLE_ZONE: &str = r#"
$ORIGIN test.
$TTL 300
@               SOA  ns.test. admin.test. ( 1 3600 600 86400 300 )
                NS   ns.test.
ns              A    127.0.0.1
; one MX
one-mx          MX   10 mail.one-mx.test.
mail.one-mx     A    127.0.0.10
; several MX, deliberately out of preference order
many-mx         MX   20 mx2.many-mx.test.
many-mx         MX   10 mx1.many-mx.test.
many-mx         MX   30 mx3.many-mx.test.
; RFC 7505 null MX: the domain accepts no mail
null-mx         MX   0 .
; no MX but an address: RFC 5321 implicit MX
a-only          A    192.0.2.1
aaaa-only       AAAA 2001:db8::1
; exists (has a TXT) but has neither MX nor address
txt-only        TXT  "no mail here"
; IDNA: buecher with u-umlaut, as punycode (the zone holds the ASCII form)
xn--bcher-kva   MX   10 mail.xn--bcher-kva.test.
"#;

/// Parses zone text (`origin` is used for relative names when the text has no `$ORIGIN`).
fn parse_zone(origin: &str, text: &str) -> Result<InMemoryZoneHandler, String> {
    let origin = Name::from_ascii(origin).map_err(|e| format!("bad origin {origin:?}: {e}"))?;
    let (origin, records) = Parser::new(text, None, Some(origin))
        .parse()
        .map_err(|e| format!("zone text does not parse: {e}"))?;
    InMemoryZoneHandler::new(origin, records, ZoneType::Primary, AxfrPolicy::Deny)
}

/// A catalog (the server's request handler for real zones) serving the given zones.
pub(crate) fn catalog(zones: &[(String, String)]) -> Result<Catalog, String> {
    let mut catalog = Catalog::new();
    for (origin, text) in zones {
        let zone = parse_zone(origin, text)?;
        let name = LowerName::new(&Name::from_ascii(origin).map_err(|e| e.to_string())?);
        catalog.upsert(name, vec![Arc::new(zone)]);
    }
    Ok(catalog)
}
