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
    /// Parses `a.b.c.d/n`; `None` when it is not one.
    pub fn parse(text: &str) -> Option<Cidr4> {
        let (addr, prefix) = text.split_once('/')?;
        let addr: Ipv4Addr = addr.parse().ok()?;
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) || prefix.len() > 2 {
            return None;
        }
        let prefix: u8 = prefix.parse().ok()?;
        (prefix <= 32).then_some(Cidr4 { addr: u32::from(addr), prefix })
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

/// Whether `text` is an IPv6 block (`::/0`, `2001:db8::/32`).
pub(crate) fn is_ipv6_cidr(text: &str) -> bool {
    let Some((addr, prefix)) = text.split_once('/') else { return false };
    addr.parse::<Ipv6Addr>().is_ok() && prefix.parse::<u8>().is_ok_and(|p| p <= 128)
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
}
