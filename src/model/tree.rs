//! The organisation tree ("ansvarsträd"): units, their parents and children, and the order
//! reports are listed in. Built by [`crate::load::tree`].

use std::collections::HashMap;

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub code: String,
    pub name: String,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub depth: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct Tree {
    pub nodes: Vec<Node>,
    pub index: HashMap<String, usize>,
    pub root: usize,
    /// Every node in pre-order (root first, children in the order the units table gives).
    pub order: Vec<usize>,
}

impl Tree {
    pub(crate) fn get(&self, code: &str) -> Option<usize> {
        self.index.get(code).copied()
    }

    /// The node itself and every node above it, nearest first.
    pub(crate) fn ancestors_or_self(&self, node: usize) -> Vec<usize> {
        let mut out = vec![node];
        let mut cur = node;
        while let Some(p) = self.nodes[cur].parent {
            out.push(p);
            cur = p;
        }
        out
    }

    /// Root first down to the node.
    pub(crate) fn path(&self, node: usize) -> Vec<usize> {
        let mut p = self.ancestors_or_self(node);
        p.reverse();
        p
    }

    pub(crate) fn is_leaf(&self, node: usize) -> bool {
        self.nodes[node].children.is_empty()
    }

    /// The tree of `nodes` under `root`, in depth-first order.
    pub(crate) fn finish(nodes: Vec<Node>, root: usize) -> Tree {
        let index = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.code.clone(), i))
            .collect();
        let mut tree = Tree {
            nodes,
            index,
            root,
            order: Vec::new(),
        };
        let mut stack = vec![(root, 0usize)];
        while let Some((n, depth)) = stack.pop() {
            tree.nodes[n].depth = depth;
            tree.order.push(n);
            for &c in tree.nodes[n].children.iter().rev() {
                stack.push((c, depth + 1));
            }
        }
        tree
    }
}
