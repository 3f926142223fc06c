//! IPv4/IPv6 CIDR blocks as EC2 checks them.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// An IPv4 block (`10.0.0.0/16`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cidr4 {
    /// The address as a number.
    pub addr: u32,
    /// The prefix length, 0–32.
    pub prefix: u8,
}

impl Cidr4 {
    /// Parses `a.b.c.d/n` in its canonical spelling; `None` when it is not one (EC2 refuses
    /// `10.0.0.0/08` and `010.0.0.0/8` as it refuses `10.0.0.0/33`).
    pub fn parse(text: &str) -> Option<Cidr4> {
        let (addr, prefix) = text.split_once('/')?;
        // The standard library takes only the canonical dotted quad (no leading zeros).
        let addr: Ipv4Addr = addr.parse().ok()?;
        let prefix = prefix_length(prefix, 32)?;
        Some(Cidr4 { addr: u32::from(addr), prefix })
    }

    fn mask(&self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.prefix))
        }
    }

    /// Whether the host bits are all zero.
    pub fn is_network(&self) -> bool {
        self.addr & !self.mask() == 0
    }

    /// Whether `other` lies entirely inside this block.
    pub fn contains(&self, other: &Cidr4) -> bool {
        other.prefix >= self.prefix && (other.addr & self.mask()) == (self.addr & self.mask())
    }

    /// Whether the two blocks share an address.
    pub fn overlaps(&self, other: &Cidr4) -> bool {
        self.contains(other) || other.contains(self)
    }

    /// Number of addresses.
    pub fn size(&self) -> u64 {
        1u64 << (32 - u32::from(self.prefix))
    }
}

impl fmt::Display for Cidr4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.addr), self.prefix)
    }
}

/// A prefix length in canonical decimal (digits only, no leading zero, no sign) up to `max`.
fn prefix_length(text: &str, max: u8) -> Option<u8> {
    let canonical = !text.is_empty()
        && text.len() <= 3
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    let n: u8 = text.parse().ok().filter(|_| canonical)?;
    (n <= max).then_some(n)
}

/// Whether `text` is an IPv6 block (`::/0`, `2001:db8::/32`).
pub(crate) fn is_ipv6_cidr(text: &str) -> bool {
    let Some((addr, prefix)) = text.split_once('/') else { return false };
    addr.parse::<Ipv6Addr>().is_ok() && prefix_length(prefix, 128).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_relations() {
        let vpc = Cidr4::parse("172.31.0.0/16").unwrap();
        let a = Cidr4::parse("172.31.16.0/20").unwrap();
        assert!(vpc.is_network() && vpc.contains(&a) && !a.contains(&vpc) && a.overlaps(&vpc));
        assert_eq!(a.size(), 4096);
        assert_eq!(a.to_string(), "172.31.16.0/20");
        assert!(!Cidr4::parse("10.0.0.1/16").unwrap().is_network());
        for bad in ["10.0.0.0", "10.0.0.0/33", "10.0.0/8", "x/8", "10.0.0.0/", "10.0.0.0/-1"] {
            assert_eq!(Cidr4::parse(bad), None, "{bad}");
        }
        assert!(is_ipv6_cidr("::/0") && !is_ipv6_cidr("::/129") && !is_ipv6_cidr("0.0.0.0/0"));
    }

    #[test]
    fn only_canonical_spellings_parse() {
        for bad in ["10.0.0.0/08", "010.0.0.0/8", "10.0.0.0/+8", "10.0.0.0/008", "10.0.0.0/ 8", "10.00.0.0/8"] {
            assert_eq!(Cidr4::parse(bad), None, "{bad}");
        }
        assert_eq!(Cidr4::parse("0.0.0.0/0").map(|c| c.prefix), Some(0));
        assert_eq!(Cidr4::parse("10.0.0.0/8").map(|c| c.prefix), Some(8));
        assert!(is_ipv6_cidr("2001:db8::/32") && !is_ipv6_cidr("2001:db8::/032") && !is_ipv6_cidr("::/+0"));
    }
}
