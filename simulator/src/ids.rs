//! Deterministic identifiers. Every generated id (vpc-, sg-, KMS key ids, detector ids, ...)
//! comes from a counter mixed with the account's seed, so loading the same scenario twice
//! gives byte-identical state.

/// SplitMix64: a small, well-mixed bijection on u64.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator state: a seed and how many values were drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdGen {
    /// Fixed per state (derived from the account id unless a scenario sets it).
    pub seed: u64,
    /// Values drawn so far.
    pub counter: u64,
}

impl IdGen {
    /// A generator seeded from `seed`.
    pub fn new(seed: u64) -> Self {
        IdGen { seed, counter: 0 }
    }

    /// The seed for an account id (FNV-1a), so different accounts get different ids.
    pub fn seed_for(text: &str) -> u64 {
        text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
    }

    /// The next 64 random-looking bits.
    pub fn next_u64(&mut self) -> u64 {
        self.counter += 1;
        mix(self.seed ^ mix(self.counter))
    }

    /// `n` lowercase hex digits.
    pub fn hex(&mut self, n: usize) -> String {
        let mut out = String::with_capacity(n + 15);
        while out.len() < n {
            let word = self.next_u64();
            // 16 digits, most significant first (what `{:016x}` writes).
            out.extend((0..16).rev().map(|i| char::from(b"0123456789abcdef"[((word >> (i * 4)) & 0xf) as usize])));
        }
        out.truncate(n);
        out
    }

    /// An EC2-style id: `prefix-` and 17 hex digits (`vpc-0a1b...`).
    pub fn ec2(&mut self, prefix: &str) -> String {
        format!("{prefix}-0{}", self.hex(16))
    }

    /// A UUID-shaped id (KMS key ids, request ids).
    pub fn uuid(&mut self) -> String {
        let h = self.hex(32);
        format!("{}-{}-4{}-a{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
    }

    /// Upper-case alphanumerics (IAM unique ids like `AROA...`).
    pub fn upper(&mut self, n: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        (0..n).map(|_| ALPHABET[(self.next_u64() % 32) as usize] as char).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_ids() {
        let mut a = IdGen::new(7);
        let mut b = IdGen::new(7);
        assert_eq!(a.ec2("vpc"), b.ec2("vpc"));
        assert_eq!(a.uuid(), b.uuid());
        assert_ne!(IdGen::new(7).ec2("vpc"), IdGen::new(8).ec2("vpc"));
    }

    #[test]
    fn hex_is_the_words_in_order_as_016x_writes_them() {
        // Ids recorded by earlier versions must not change.
        let (mut a, mut b) = (IdGen::new(3), IdGen::new(3));
        let words: String = (0..3).map(|_| format!("{:016x}", b.next_u64())).collect();
        assert_eq!(a.hex(40), words[..40]);
    }

    #[test]
    fn shapes() {
        let mut g = IdGen::new(1);
        let vpc = g.ec2("vpc");
        assert_eq!(vpc.len(), "vpc-".len() + 17);
        let uuid = g.uuid();
        assert_eq!(uuid.len(), 36);
        assert_eq!(uuid.matches('-').count(), 4);
        assert!(g.upper(16).chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    }
}
