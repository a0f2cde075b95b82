namespace OnnxDiffusion.Cli.Tests.BadInput;

/// <summary>
/// One bad value for each option the other case lists reached only through another command: an option shared
/// between commands is checked by each command that takes it, so each needs its own case.
/// </summary>
internal static class BadOptionCases
{
    private static BadInputCase Rec(string name, string expected, params (string, string?)[] o) =>
        new(name, expected, f => BadInputCases.Cmd("reconstruct", f, o));

    private static BadInputCase Repro(string name, string expected, params (string, string?)[] o) =>
        new(name, expected, f => BadInputCases.Cmd("reproduce", f, o));

    /// <summary><c>metrics --features</c> on a copy of the embedded feature model whose features.json sets <paramref name="key"/> to null.</summary>
    private static BadInputCase NullFeatureKey(string key) =>
        new($"features-json-null-{key}", $"key '{key}'", f => ["metrics", "--fake", f.Data, "--features", Path.Combine(f.Root, "features")], f =>
        {
            string dir = Path.Combine(f.Root, "features");
            Directory.CreateDirectory(dir);
            foreach (var file in Directory.GetFiles(Path.Combine(TestData.Root, "models", "fashion-mnist-features")))
                File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "features.json")))!.AsObject();
            json[key] = null;
            File.WriteAllText(Path.Combine(dir, "features.json"), json.ToJsonString());
        });

    public static IEnumerable<BadInputCase> All()
    {
        yield return NullFeatureKey("onnx");
        yield return NullFeatureKey("input");
        yield return NullFeatureKey("features_output");
        yield return NullFeatureKey("class_names");
        yield return Rec("reconstruct-sampler", "sampler 'euler'", ("--sampler", "euler"));
        yield return Rec("reconstruct-eta", "--eta 2", ("--eta", "2"));
        yield return Rec("reconstruct-guidance", "--guidance -1", ("--guidance", "-1"));
        yield return Rec("reconstruct-seed", "--seed", ("--seed", "-1"));
        yield return Rec("reconstruct-batch", "--batch 0", ("--batch", "0"));
        yield return Rec("reconstruct-threads", "--threads -1", ("--threads", "-1"));
        yield return Rec("reconstruct-sessions", "--sessions -1", ("--sessions", "-1"));
        yield return Rec("reconstruct-shard", "--shard '3/2'", ("--shard", "3/2"));
        yield return Rec("reconstruct-prompt-pixel-model", "--prompt", ("--prompt", "a photo of a {class}"));
        // A plan and data that pass, so the features are what is refused (before any stage runs).
        yield return new("reproduce-features-missing", "/nonexistent-features", f => BadInputCases.Cmd("reproduce", f,
                ("--plan", Path.Combine(f.Root, "plan.json")), ("--data", Commands.ReproduceCommandTests.Splits.Value), ("--features", "/nonexistent-features")),
            f => f.File("plan.json", """{"per_class": 2, "replicates": 1, "strengths": [0.5], "steps": 2, "classifiers": ["maxent"]}"""));
        yield return Repro("reproduce-prompt-pixel-model", "--prompt", ("--prompt", "a photo of a {class}"));
        yield return Repro("reproduce-shard", "--shard '3/2'", ("--shard", "3/2"));
        yield return new("schedule-sampler", "sampler 'euler'", f => ["schedule", "--config", f.Model, "--sampler", "euler"]);
        yield return new("metrics-real-missing", "/nonexistent-real", f => ["metrics", "--real", "/nonexistent-real", "--fake", f.Data]);
        yield return new("metrics-real-split", "split 'bogus'", f => ["metrics", "--fake", f.Data, "--real-split", "bogus"]);
        yield return new("metrics-train-split", "split 'bogus'", _ => ["metrics", "--fake", Path.Combine(TestData.Root, "data", "fashion-mnist"), "--fake-split", "test", "--train-split", "bogus"]);
        yield return new("metrics-fake-split", "split 'bogus'", f => ["metrics", "--fake", Path.Combine(TestData.Root, "data", "fashion-mnist"), "--fake-split", "bogus"]);
    }
}
