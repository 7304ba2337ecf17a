//! End to end: campaigns with `any_of` / `all_of` groups, through the
//! binary, in the human and machine formats (fixtures in
//! `tests/fixtures/groups/`).

use assert_cmd::Command;
use predicates::prelude::*;

fn preflight() -> Command {
    Command::cargo_bin("preflight").unwrap()
}

const NOW: &str = "2027-01-01";

fn json(args: &[&str]) -> serde_json::Value {
    let out = preflight()
        .args(["check", "--now", NOW, "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

#[test]
fn an_any_of_whose_every_option_is_contradicted() {
    preflight()
        .args([
            "check",
            "tests/fixtures/groups/empty-any-of.yaml",
            "--now",
            NOW,
            "--color",
            "never",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "None of the 2 ways into this audience can hold: each option of this `any_of` meets a",
        ))
        .stdout(predicate::str::contains(
            "`loyalty.tier eq gold` and `loyalty.tier eq bronze` cannot both hold",
        ))
        .stdout(predicate::str::contains(
            "`loyalty.tier eq silver` and `loyalty.tier eq bronze` cannot both hold",
        ));
    let v = json(&["tests/fixtures/groups/empty-any-of.yaml"]);
    let f = &v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(f[0]["rule"], "segment-contradiction");
    // At the `any_of` key, with a related place at each option.
    assert_eq!(
        (f[0]["line"].as_u64(), f[0]["column"].as_u64()),
        (Some(13), Some(7))
    );
    assert_eq!(f[0]["length"], 6);
    let related: Vec<u64> = f[0]["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(related, [16, 19]);
}

#[test]
fn groups_too_deep_are_a_located_error() {
    let v = json(&["tests/fixtures/groups/too-deep.yaml"]);
    let f = &v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(f[0]["rule"], "invalid-campaign");
    assert_eq!(f[0]["severity"], "error");
    assert_eq!(
        (f[0]["line"].as_u64(), f[0]["column"].as_u64()),
        (Some(21), Some(39))
    );
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap()
            .contains("more than 8 groups deep"),
        "{v:#}"
    );
    preflight()
        .args([
            "check",
            "tests/fixtures/groups/too-deep.yaml",
            "--now",
            NOW,
            "--format",
            "github",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "::error file=tests/fixtures/groups/too-deep.yaml,line=21,col=39,",
        ));
}

#[test]
fn the_same_audience_written_four_ways_under_four_names() {
    let v = json(&["tests/fixtures/groups/same-audience"]);
    let f = v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 4, "{v:#}");
    for x in f {
        assert_eq!(x["rule"], "audience-overload");
        let m = x["message"].as_str().unwrap();
        assert!(
            m.contains("the same audience would get 4 emails from 4 campaigns"),
            "{m}"
        );
        assert_eq!(x["related"].as_array().unwrap().len(), 3);
    }
    // One campaign moved two weeks later: the other three are within the
    // limit, so nothing is reported (the four are one audience only when
    // they are read by meaning).
    let dir = tempfile::tempdir().unwrap();
    for i in 0..4 {
        let name = format!("c{i}.yaml");
        let text =
            std::fs::read_to_string(format!("tests/fixtures/groups/same-audience/{name}")).unwrap();
        let text = if i == 3 {
            text.replace("2027-04-13T09:00:00", "2027-04-27T09:00:00")
        } else {
            text
        };
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let v = json(&[dir.path().to_str().unwrap()]);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{v:#}");
}

#[test]
fn the_schema_describes_groups_and_the_group_examples_validate() {
    let out = preflight().arg("schema").output().unwrap();
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let condition = &schema["$defs"]["condition"]["oneOf"];
    let keys: Vec<String> = condition
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["required"].as_array().unwrap().clone())
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys, ["attribute", "event", "any_of", "all_of"]);
    let validator = jsonschema::validator_for(&schema).unwrap();
    for file in [
        "examples/clean/trail-club-any-of.yaml",
        "tests/fixtures/groups/same-audience/c1.yaml",
    ] {
        let text = std::fs::read_to_string(file).unwrap();
        let docs = preflight::input::yaml::parse(&text, 0, Default::default()).unwrap();
        let value = preflight::model::schema::to_json(&docs[0].root);
        assert!(validator.is_valid(&value), "{file}");
        // An empty group, or a condition beside a group, is refused too.
        for include in [
            serde_json::json!([{"any_of": []}]),
            serde_json::json!([{"any_of": [{"attribute": "x", "op": "exists"}], "attribute": "y"}]),
        ] {
            let mut v = value.clone();
            v["audience"]["include"] = include;
            assert!(!validator.is_valid(&v), "{v:#}");
        }
    }
}

#[test]
fn groups_in_a_json_campaign() {
    let path = "tests/fixtures/groups/empty-any-of.json";
    let v = json(&[path]);
    let f = v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(f[0]["rule"], "segment-contradiction");
    let text = std::fs::read_to_string(path).unwrap();
    let at = |x: &serde_json::Value| {
        let start = x["offset"].as_u64().unwrap() as usize;
        text[start..start + x["length"].as_u64().unwrap() as usize].to_string()
    };
    assert_eq!(at(&f[0]), "\"any_of\"");
    let related: Vec<String> = f[0]["related"].as_array().unwrap().iter().map(at).collect();
    assert_eq!(related, ["\"gold\"", "\"silver\""]);
}
