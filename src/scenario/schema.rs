//! The JSON Schema of the scenario format (`strikesim schema`): derived
//! from the file's types, with every range of [`super::validate`]'s bounds
//! table put in as `minimum`, `maximum`, `maxItems` and `maxLength`, so an
//! editor flags a value out of range as the tool would.

use super::format::ScenarioFile;
use super::{BOUNDS, ENTRIES, LENGTHS};

/// The JSON Schema of the scenario format, pretty-printed.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(ScenarioFile);
    let mut value = serde_json::to_value(&schema).expect("a schema is JSON");
    annotate_schema(&mut value);
    serde_json::to_string_pretty(&value).expect("a schema serialises")
}

/// Put every bound into the JSON Schema: `minimum` and `maximum` on each
/// numeric field (on the items of an array, and on each grade of a
/// grade-count table), `maxLength` on each text.
fn annotate_schema(schema: &mut serde_json::Value) {
    for b in BOUNDS {
        for at in schema_nodes(schema, b.key) {
            if let Some(node) = schema.pointer_mut(&at) {
                node["minimum"] = b.min.into();
                node["maximum"] = b.max.into();
            }
        }
    }
    for l in LENGTHS {
        for at in schema_nodes(schema, l.key) {
            if let Some(node) = schema.pointer_mut(&at) {
                node["maxLength"] = l.max.into();
            }
        }
    }
    for e in ENTRIES {
        let mut at = String::new();
        for part in e.key.split('.') {
            at = format!("{}/properties/{part}", node_pointer(schema, &at));
        }
        if let Some(node) = schema.pointer_mut(&at) {
            node["maxItems"] = e.max.into();
        }
    }
}

/// JSON pointers to the schema nodes that hold the values of `key`: the
/// property itself, the items of an array, or every leaf of a table (each
/// grade of a rota). Shared definitions are followed by `$ref`, so a
/// grade-count bound lands on the shared `GradeCounts` (every use of it has
/// the same bound).
fn schema_nodes(schema: &serde_json::Value, key: &str) -> Vec<String> {
    let mut at = String::new();
    for part in key.split('.') {
        let prop = format!("{}/properties/{part}", node_pointer(schema, &at));
        if schema.pointer(&prop).is_none() {
            return Vec::new();
        }
        at = prop;
    }
    let mut leaves = Vec::new();
    collect_leaves(schema, &at, 0, &mut leaves);
    leaves
}

fn collect_leaves(schema: &serde_json::Value, at: &str, depth: usize, out: &mut Vec<String>) {
    let target = node_pointer(schema, at);
    let Some(node) = schema.pointer(&target) else {
        return;
    };
    if let (Some(props), true) = (
        node.get("properties").and_then(|p| p.as_object()),
        depth < 4,
    ) {
        for k in props.keys() {
            collect_leaves(schema, &format!("{target}/properties/{k}"), depth + 1, out);
        }
    } else if node.get("items").is_some() {
        out.push(format!("{target}/items"));
    } else {
        out.push(at.to_string());
    }
}

/// The pointer of the node at `at` after following its `$ref`, the
/// non-null branch of an optional value and the items of an array of
/// tables.
fn node_pointer(schema: &serde_json::Value, at: &str) -> String {
    let mut at = at.to_string();
    for _ in 0..8 {
        let Some(node) = schema.pointer(&at) else {
            return at;
        };
        if let Some(r) = node.get("$ref").and_then(|r| r.as_str()) {
            at = r.trim_start_matches('#').to_string();
        } else if let Some(branches) = node.get("anyOf").and_then(|b| b.as_array()) {
            let null = serde_json::Value::from("null");
            let Some(k) = branches.iter().position(|b| b.get("type") != Some(&null)) else {
                return at;
            };
            at = format!("{at}/anyOf/{k}");
        } else if node
            .get("items")
            .and_then(|i| i.get("$ref").or(i.get("properties")))
            .is_some_and(|_| node_has_table_items(schema, &at))
        {
            at = format!("{at}/items");
        } else {
            return at;
        }
    }
    at
}

/// An array whose items are tables (not numbers or strings).
fn node_has_table_items(schema: &serde_json::Value, at: &str) -> bool {
    let items = node_pointer(schema, &format!("{at}/items"));
    schema
        .pointer(&items)
        .is_some_and(|n| n.get("properties").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bound_is_in_the_schema() {
        let schema: serde_json::Value = serde_json::from_str(&json_schema()).expect("schema");
        for b in BOUNDS {
            let nodes = schema_nodes(&schema, b.key);
            assert!(!nodes.is_empty(), "no schema node for {}", b.key);
            for at in nodes {
                let node = schema.pointer(&at).expect("node");
                assert_eq!(
                    node["maximum"],
                    serde_json::json!(b.max),
                    "{} at {at}",
                    b.key
                );
                assert_eq!(
                    node["minimum"],
                    serde_json::json!(b.min),
                    "{} at {at}",
                    b.key
                );
            }
        }
        for e in ENTRIES {
            assert!(
                json_schema().contains(&format!("\"maxItems\": {}", e.max)),
                "{}",
                e.key
            );
        }
        for l in LENGTHS {
            let nodes = schema_nodes(&schema, l.key);
            assert!(!nodes.is_empty(), "no schema node for {}", l.key);
            for at in nodes {
                assert_eq!(schema.pointer(&at).expect("node")["maxLength"], l.max);
            }
        }
    }
}
