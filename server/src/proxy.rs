//! `--trusted-proxy`: which peers may tell the console who the client is.
//!
//! Behind a load balancer every request comes from the balancer's address, which would make
//! the per-address login throttle one global bucket and put the balancer in every log line.
//! A request whose peer is inside a trusted range has its client address taken from
//! `X-Forwarded-For`: the right-most entry that is not itself a trusted proxy (entries further
//! left were written by whoever sent the request, and can say anything). A request from any
//! other peer keeps its peer address, whatever it claims; so does one whose header is missing
//! or has an entry that is not an IP address before an untrusted one is reached.

use std::net::IpAddr;

/// An address range: an address and how many leading bits of it count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Reads `203.0.113.0/24`, `2001:db8::/32`, or a single address (`10.0.0.5`).
    ///
    /// # Errors
    /// What is wrong with `text`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr = address.parse().map_err(|_| {
            format!("[{text}] is not an IP address or CIDR range (e.g. 10.0.0.0/8)")
        })?;
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| format!("[{text}]: the prefix length must be 0 to {bits}"))?,
        };
        Ok(Self { network, prefix })
    }

    /// Whether `address` is inside the range (an IPv4 range never holds an IPv6 address,
    /// except an IPv4-mapped one).
    pub fn contains(&self, address: IpAddr) -> bool {
        let address = match address {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
            v4 => v4,
        };
        match (self.network, address) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                masked(u128::from(u32::from(net)), 32, self.prefix)
                    == masked(u128::from(u32::from(a)), 32, self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                masked(u128::from(net), 128, self.prefix) == masked(u128::from(a), 128, self.prefix)
            }
            _ => false,
        }
    }
}

fn masked(value: u128, bits: u8, prefix: u8) -> u128 {
    let host_bits = u32::from(bits - prefix);
    value.checked_shr(host_bits).unwrap_or(0)
}

/// The trusted ranges (none by default).
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<Cidr>);

impl TrustedProxies {
    /// Reads every `--trusted-proxy` value.
    ///
    /// # Errors
    /// The first value that is not an address or range, and why.
    pub fn parse<S: AsRef<str>>(values: &[S]) -> Result<Self, String> {
        values
            .iter()
            .map(|v| Cidr::parse(v.as_ref()))
            .collect::<Result<_, _>>()
            .map(Self)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(address))
    }

    /// The client behind `peer`, given the request's `X-Forwarded-For` values in order.
    pub fn client<'h>(&self, peer: IpAddr, forwarded_for: impl Iterator<Item = &'h str>) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let entries: Vec<&str> = forwarded_for.flat_map(|v| v.split(',')).collect();
        for entry in entries.iter().rev() {
            let Ok(address) = entry.trim().parse::<IpAddr>() else {
                return peer;
            };
            if !self.trusts(address) {
                return address;
            }
        }
        peer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn ranges_are_read_and_matched() {
        let lan = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(lan.contains(ip("10.200.3.4")));
        assert!(!lan.contains(ip("11.0.0.1")));
        assert!(lan.contains(ip("::ffff:10.1.2.3")), "IPv4-mapped");
        let one = Cidr::parse(" 127.0.0.1 ").unwrap();
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        let v6 = Cidr::parse("2001:db8::/32").unwrap();
        assert!(v6.contains(ip("2001:db8:1::7")) && !v6.contains(ip("2001:db9::1")));
        assert!(!v6.contains(ip("10.0.0.1")));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        for bad in [
            "",
            "10.0.0.0/33",
            "::/129",
            "10.0.0/8",
            "proxy.local",
            "10.0.0.0/x",
        ] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
        assert!(Cidr::parse("10.0.0.0/33").unwrap_err().contains("0 to 32"));
    }

    #[test]
    fn the_client_is_the_rightmost_untrusted_forwarded_address_from_a_trusted_peer() {
        let proxies = TrustedProxies::parse(&["10.0.0.0/8", "127.0.0.1"]).unwrap();
        let client =
            |peer: &str, headers: &[&str]| proxies.client(ip(peer), headers.iter().copied());
        // Through the balancer: the address it appended.
        assert_eq!(client("10.0.0.2", &["203.0.113.7"]), ip("203.0.113.7"));
        // Whatever the client claimed further left does not count.
        assert_eq!(
            client("10.0.0.2", &["1.1.1.1, 203.0.113.7"]),
            ip("203.0.113.7")
        );
        // Trusted hops in between are skipped; several headers read as one list.
        assert_eq!(
            client("10.0.0.2", &["198.51.100.1, 203.0.113.7", "10.0.0.9"]),
            ip("203.0.113.7")
        );
        // A peer outside the ranges is the client, whatever it says.
        assert_eq!(client("192.0.2.5", &["203.0.113.7"]), ip("192.0.2.5"));
        // No header, only trusted hops, or garbage: the peer.
        assert_eq!(client("10.0.0.2", &[]), ip("10.0.0.2"));
        assert_eq!(client("10.0.0.2", &["10.0.0.3"]), ip("10.0.0.2"));
        assert_eq!(
            client("10.0.0.2", &["203.0.113.7, unknown"]),
            ip("10.0.0.2")
        );
        // Without trusted proxies nothing is read.
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("10.0.0.2"), ["203.0.113.7"].into_iter()),
            ip("10.0.0.2")
        );
    }
}
