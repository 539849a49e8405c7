//! The tree against published vectors: the leaves, roots and proofs of the RFC 6962/9162
//! reference implementation's test data (transparency-dev/merkle, `testonly/constants.go` and
//! `cmd/proofgen`), then every size and pair up to 70 leaves against a naive recursion.

use super::*;

fn h(hex_text: &str) -> Hash {
    hex::decode(hex_text).unwrap().try_into().unwrap()
}

const LEAF_INPUTS: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

/// Roots for sizes 1..=8.
const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

fn reference_leaves() -> Vec<Hash> {
    LEAF_INPUTS
        .iter()
        .map(|x| leaf_hash(&hex::decode(x).unwrap()))
        .collect()
}

/// (0-based leaf index, tree size, proof) from the reference's proof generator.
fn inclusion_vectors() -> Vec<(u64, u64, Vec<Hash>)> {
    vec![
        (0, 1, vec![]),
        (
            0,
            8,
            vec![
                h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
                h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
            ],
        ),
        (
            5,
            8,
            vec![
                h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
                h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
                h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            ],
        ),
        (
            2,
            3,
            vec![h(
                "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            )],
        ),
        (
            1,
            5,
            vec![
                h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
                h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            ],
        ),
    ]
}

fn consistency_vectors() -> Vec<(u64, u64, Vec<Hash>)> {
    vec![
        (1, 1, vec![]),
        (
            1,
            8,
            vec![
                h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
                h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
            ],
        ),
        (
            6,
            8,
            vec![
                h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
                h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
                h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            ],
        ),
        (
            2,
            5,
            vec![
                h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            ],
        ),
        (
            6,
            7,
            vec![
                h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
                h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
                h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            ],
        ),
    ]
}

fn tree_of(leaves: &[Hash]) -> Tree {
    let mut tree = Tree::new();
    for l in leaves {
        tree.push(*l);
    }
    tree
}

/// RFC 9162's MTH written as the definition reads, to check the cached tree against.
fn naive_root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = split_point(n as u64) as usize;
            node_hash(&naive_root(&leaves[..k]), &naive_root(&leaves[k..]))
        }
    }
}

#[test]
fn empty_tree_root_is_sha256_of_nothing() {
    assert_eq!(
        empty_root(),
        h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    );
    assert_eq!(Frontier::new().root(), empty_root());
    assert_eq!(Tree::new().root_at(0).unwrap(), empty_root());
}

#[test]
fn roots_match_the_reference_for_every_size() {
    let leaves = reference_leaves();
    let tree = tree_of(&leaves);
    let mut frontier = Frontier::new();
    for (i, leaf) in leaves.iter().enumerate() {
        frontier.push(*leaf);
        let want = h(ROOTS[i]);
        assert_eq!(frontier.root(), want, "frontier at size {}", i + 1);
        assert_eq!(
            tree.root_at(i as u64 + 1).unwrap(),
            want,
            "tree at {}",
            i + 1
        );
    }
}

#[test]
fn inclusion_proofs_match_the_reference_and_verify() {
    let tree = tree_of(&reference_leaves());
    for (index, size, want) in inclusion_vectors() {
        let proof = tree.inclusion_proof(index, size).unwrap();
        assert_eq!(proof, want, "proof for leaf {index} of {size}");
        let root = h(ROOTS[size as usize - 1]);
        verify_inclusion(&tree.leaf(index).unwrap(), index, size, &proof, &root).unwrap();
    }
}

#[test]
fn consistency_proofs_match_the_reference_and_verify() {
    let tree = tree_of(&reference_leaves());
    for (first, second, want) in consistency_vectors() {
        let proof = tree.consistency_proof(first, second).unwrap();
        assert_eq!(proof, want, "proof {first} -> {second}");
        let (r1, r2) = (h(ROOTS[first as usize - 1]), h(ROOTS[second as usize - 1]));
        verify_consistency(first, second, &r1, &r2, &proof).unwrap();
    }
}

#[test]
fn every_flipped_bit_truncation_or_extension_of_a_reference_proof_fails() {
    let tree = tree_of(&reference_leaves());
    for (index, size, proof) in inclusion_vectors() {
        let root = h(ROOTS[size as usize - 1]);
        let leaf = tree.leaf(index).unwrap();
        for i in 0..proof.len() {
            for bit in [0, 3, 7] {
                let mut bad = proof.clone();
                bad[i][i % 32] ^= 1 << bit;
                assert!(verify_inclusion(&leaf, index, size, &bad, &root).is_err());
            }
            assert!(verify_inclusion(&leaf, index, size, &proof[..i], &root).is_err());
        }
        let mut longer = proof.clone();
        longer.push(root);
        assert!(verify_inclusion(&leaf, index, size, &longer, &root).is_err());
        if size > 1 {
            assert!(verify_inclusion(&leaf, (index + 1) % size, size, &proof, &root).is_err());
        }
    }
    for (first, second, proof) in consistency_vectors() {
        let (r1, r2) = (h(ROOTS[first as usize - 1]), h(ROOTS[second as usize - 1]));
        for i in 0..proof.len() {
            let mut bad = proof.clone();
            bad[i][0] ^= 0x10;
            assert!(verify_consistency(first, second, &r1, &r2, &bad).is_err());
            assert!(verify_consistency(first, second, &r1, &r2, &proof[..i]).is_err());
        }
        let mut longer = proof.clone();
        longer.push(r2);
        assert!(verify_consistency(first, second, &r1, &r2, &longer).is_err());
        // A root from another history, for either size.
        let other = h(ROOTS[(second as usize) % 8]);
        if other != r2 {
            assert!(verify_consistency(first, second, &r1, &other, &proof).is_err());
        }
    }
}

#[test]
fn every_size_and_pair_up_to_70_agrees_with_the_definition() {
    let leaves: Vec<Hash> = (0u8..70).map(|i| leaf_hash(&[i, i ^ 0x5a])).collect();
    let tree = tree_of(&leaves);
    let mut frontier = Frontier::new();
    for n in 1..=leaves.len() as u64 {
        frontier.push(leaves[n as usize - 1]);
        let root = naive_root(&leaves[..n as usize]);
        assert_eq!(frontier.root(), root, "frontier at {n}");
        assert_eq!(tree.root_at(n).unwrap(), root, "tree at {n}");
        let again = Frontier::from_parts(n, frontier.hashes().to_vec()).unwrap();
        assert_eq!(again.root(), root);
        for i in 0..n {
            let proof = tree.inclusion_proof(i, n).unwrap();
            verify_inclusion(&leaves[i as usize], i, n, &proof, &root).unwrap();
        }
        for m in 0..=n {
            let proof = tree.consistency_proof(m, n).unwrap();
            let first = tree.root_at(m).unwrap();
            verify_consistency(m, n, &first, &root, &proof).unwrap();
            if m > 0 && m < n {
                // The same sizes over a history with leaf 0 rewritten cannot be consistent.
                let mut forked = leaves[..n as usize].to_vec();
                forked[0] = leaf_hash(b"rewritten");
                let forked_root = naive_root(&forked);
                assert!(verify_consistency(m, n, &first, &forked_root, &proof).is_err());
            }
        }
    }
}

#[test]
fn stored_frontiers_of_the_wrong_shape_and_bad_hashes_are_refused() {
    assert!(matches!(
        Frontier::from_parts(3, vec![[0; 32]]),
        Err(MerkleError::FrontierShape { expected: 2, .. })
    ));
    let hash = leaf_hash(b"x");
    assert_eq!(decode_hash(&encode_hash(&hash)).unwrap(), hash);
    assert!(decode_hash("AAAA").is_err());
    assert!(decode_hash(&format!("{}=", encode_hash(&hash))).is_err());
    let tree = tree_of(&reference_leaves());
    assert!(tree.inclusion_proof(8, 8).is_err());
    assert!(tree.consistency_proof(5, 4).is_err());
    assert!(tree.root_at(9).is_err());
}
