using System.Text.Json.Nodes;

namespace OnnxDiffusion.Cli.Tests.BadInput;

/// <summary>
/// Values the CLI used to accept or crash on (issue 27's sweep): empty paths that resolved to the program's own folder,
/// counts and scales beyond the type that holds them, and JSON keys set to null or repeated.
/// </summary>
internal static partial class BadInputCases
{
    // The command line with one option given as an empty (or blank) string.
    private static BadInputCase Empty(string command, string option, string blank = "") =>
        new($"{command}-{option.TrimStart('-')}-empty{(blank.Length > 0 ? "-blank" : "")}", $"{option} '': expected",
            f => [.. Cmd(command, f, (option, null)), option, blank]);

    private static BadInputCase SplitsPlan(string name, string expected, string json) =>
        new(name, expected, f => Cmd("reproduce", f, ("--plan", Path.Combine(f.Root, "plan.json")), ("--data", Commands.ReproduceCommandTests.Splits.Value)),
            f => f.File("plan.json", json));

    private static IEnumerable<BadInputCase> EmptyValueCases()
    {
        yield return Empty("generate", "--out");
        yield return Empty("generate", "--out", "  ");
        yield return Empty("generate", "--model");
        yield return Empty("generate", "--shard");
        yield return Empty("generate", "--device");
        yield return Empty("reconstruct", "--data");
        yield return Empty("reconstruct", "--model");
        yield return Empty("reconstruct", "--out");
        yield return Empty("reproduce", "--out");
        yield return Empty("reproduce", "--data");
        yield return Empty("reproduce", "--plan");
        yield return Empty("reproduce", "--features");
        yield return Empty("reproduce", "--shard");
        yield return new("metrics-fake-empty", "--fake '': expected", _ => ["metrics", "--fake", ""]);
        yield return new("metrics-real-empty", "--real '': expected", f => ["metrics", "--fake", f.Data, "--real", ""]);
        yield return new("metrics-features-empty", "--features '': expected", f => ["metrics", "--fake", f.Data, "--features", ""]);
        yield return new("schedule-config-empty", "--config '': expected", _ => ["schedule", "--config", ""]);
        yield return new("merge-out-empty", "--out '': expected", f => ["merge", "--out", "", SyntheticSet(f, "s0", 2, "0/2")]);
        yield return new("merge-shard-empty", "shards '': expected", f => ["merge", "--out", f.Out, ""]);
    }

    private static IEnumerable<BadInputCase> RangeCases()
    {
        // Finite as a double, infinite as the float32 the guidance is applied in.
        yield return Gen("guidance-beyond-double-to-float", "--guidance 1E+308", ("--guidance", "1e308"));
        yield return Gen("guidance-beyond-float", "--guidance 3.5E+38", ("--guidance", "3.5e38"));
        yield return Rec("reconstruct-guidance-beyond-float", "--guidance 1E+39", ("--guidance", "1e39"));
        yield return Model("model-default-guidance-beyond-float", "'default_guidance_scale' = 1E+308", f => f.EditModel("model.json", "default_guidance_scale", 1e308));
        yield return new("byom-default-guidance-beyond-float", "onnxdiffusion.json: key 'default_guidance_scale'", f => Cmd("generate", f, ("--model", Path.Combine(f.Root, "byom"))), f =>
        {
            string dir = Path.Combine(f.Root, "byom");
            Directory.CreateDirectory(dir);
            foreach (var file in Directory.GetFiles(Path.Combine(TestData.Root, "tests", "fixtures", "byom", "cond-rgb16")))
                File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
            var obj = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "onnxdiffusion.json")))!.AsObject();
            obj["default_guidance_scale"] = 1e308;
            File.WriteAllText(Path.Combine(dir, "onnxdiffusion.json"), obj.ToJsonString());
        });
        yield return Plan("plan-guidance-beyond-float", "guidance = 1E+308", "{ \"guidance\": 1e308 }");
        // Counts whose product with the class count overflows an int, or that overflow it alone.
        yield return Rec("reconstruct-per-class-int-max", "fewer than --per-class 2147483647", ("--per-class", "2147483647"));
        yield return Rec("reconstruct-per-class-product-overflows", "fewer than --per-class 1073741824", ("--per-class", "1073741824"));
        yield return Gen("per-class-product-beyond-int", "--per-class 214748365", ("--per-class", "214748365"));
        yield return Gen("per-class-beyond-int", "--per-class", ("--per-class", "2147483648"));
        yield return Plan("plan-per-class-int-max", "per-class 2147483647", "{ \"per_class\": 2147483647 }");
        // k's bound needs the data's class and test counts: refused once they are read, before synthesis (tiny splits: 10 classes, 40 test images).
        yield return SplitsPlan("plan-k-int-max", "k = 2147483647", "{ \"profile\": \"quick\", \"per_class\": 2, \"k\": 2147483647 }");
        yield return SplitsPlan("plan-k-beyond-smallest-set", "k = 20: expected k < 20", "{ \"profile\": \"quick\", \"per_class\": 2, \"k\": 20 }");
        yield return Plan("plan-draws-int-max", "draws = 2147483647", "{ \"draws\": 2147483647 }");
        yield return Plan("plan-draws-above-limit", "draws = 1001", "{ \"draws\": 1001 }");
        yield return Plan("plan-replicates-int-max", "replicates = 2147483647", "{ \"replicates\": 2147483647 }");
        yield return new("reproduce-replicates-int-max", "replicates = 2147483647", f => Cmd("reproduce", f, ("--replicates", "2147483647")));
        yield return new("metrics-draws-int-max", "--draws 2147483647", f => ["metrics", "--fake", f.Data, "--draws", "2147483647"]);
        yield return Gen("steps-int-max", "steps = 2147483647", ("--steps", "2147483647"));
        yield return Gen("batch-int-max", "--batch 2147483647", ("--batch", "2147483647"));
        yield return Gen("sessions-int-max", "--sessions 2147483647", ("--sessions", "2147483647"));
        yield return Gen("eta-huge", "--eta 1E+308", ("--eta", "1e308"));
        yield return Rec("strength-huge", "--strength 1E+308", ("--strength", "1e308"));
        yield return Gen("seed-negative", "--seed", ("--seed", "-1"));
        yield return new("schedule-strength-huge", "strength = 1E+308", f => ["schedule", "--config", f.Model, "--strength", "1e308"]);
        yield return new("schedule-steps-int-max", "steps = 2147483647", f => ["schedule", "--config", f.Model, "--steps", "2147483647"]);
    }

    private static IEnumerable<BadInputCase> JsonValueCases()
    {
        yield return Model("model-class-names-null", "'class_names'", f => SetNull(f, "class_names"));
        yield return Model("model-class-name-null", "'class_names'", f => f.EditModel("model.json", "class_names",
            new JsonArray(Enumerable.Range(0, 10).Select(i => i == 3 ? null : (JsonNode?)$"c{i}").ToArray())));
        yield return Model("model-class-names-repeated", "'class_names' lists 'c1' twice", f => f.EditModel("model.json", "class_names",
            new JsonArray(Enumerable.Range(0, 10).Select(i => (JsonNode?)$"c{(i == 2 ? 1 : i)}").ToArray())));
        yield return Model("model-output-null", "'output'", f => SetNull(f, "output"));
        yield return Model("model-inputs-null", "'inputs'", f => SetNull(f, "inputs"));
        yield return Model("model-onnx-null", "'onnx'", f => SetNull(f, "onnx"));
        yield return Model("model-prediction-type-null", "'prediction_type'", f => SetNull(f, "prediction_type"));
        yield return Model("model-pixel-range-null", "'pixel_range'", f => SetNull(f, "pixel_range"));
        yield return Model("model-timestep-dtype-null", "'timestep_dtype'", f => SetNull(f, "timestep_dtype"));
        yield return Model("model-image-size-null", "model.json", f => SetNull(f, "image_size"));
        yield return Model("model-default-guidance-null", "model.json", f => SetNull(f, "default_guidance_scale"));
        yield return Plan("plan-k-null", "key 'k'", "{ \"k\": null }");
        yield return Plan("plan-classifiers-null", "classifiers", "{ \"classifiers\": null }");
        yield return Plan("plan-strengths-null", "strengths", "{ \"strengths\": null }");
    }

    // Sets a key of model.json to JSON null (EditModel's null removes the key instead).
    private static void SetNull(CaseFolder f, string key)
    {
        string path = Path.Combine(f.Model, "model.json");
        var obj = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        obj[key] = null;
        File.WriteAllText(path, obj.ToJsonString());
    }
}
