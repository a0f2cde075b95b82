using System.Text.Json.Nodes;

namespace OnnxDiffusion.Cli.Tests.BadInput;

/// <summary>
/// Model folders that are not ours and are wrong, each from a copy of a tests/fixtures/byom folder (the bad/ graphs are
/// made by its make_fixtures.py): every one must be refused with one line naming the input, file, key or value.
/// </summary>
internal static class BadModelFolderCases
{
    private static string Fixture(params string[] parts) => Path.Combine([TestData.Root, "tests", "fixtures", "byom", .. parts]);

    /// <summary>Copies a fixture folder (recursively) to the case's root as "byom" and returns that path.</summary>
    private static string Copy(CaseFolder f, string fixture)
    {
        string src = Fixture(fixture), dst = Path.Combine(f.Root, "byom");
        foreach (var dir in Directory.GetDirectories(src, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(dst, Path.GetRelativePath(src, dir)));
        Directory.CreateDirectory(dst);
        foreach (var file in Directory.GetFiles(src, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(dst, Path.GetRelativePath(src, file)));
        return dst;
    }

    private static string Model(CaseFolder f) => Path.Combine(f.Root, "byom");

    private static void Edit(string file, string key, JsonNode? value)
    {
        var obj = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        if (value is null)
            obj.Remove(key);
        else
            obj[key] = value;
        File.WriteAllText(file, obj.ToJsonString());
    }

    /// <summary>A case: copy <paramref name="fixture"/>, apply <paramref name="edit"/>, run generate (or the given command line) on it.</summary>
    private static BadInputCase Case(string name, string expected, string fixture, Action<string>? edit = null, Func<CaseFolder, string[]>? args = null) =>
        new(name, expected,
            args ?? (f => ["generate", "--model", Model(f), "--per-class", "1", "--steps", "2", "--device", "cpu", "--out", f.Out]),
            f =>
            {
                string dir = Copy(f, fixture);
                edit?.Invoke(dir);
            });

    private static string[] Reconstruct(CaseFolder f, string data, params string[] extra) =>
        ["reconstruct", "--model", Model(f), "--data", data, "--per-class", "1", "--steps", "2", "--device", "cpu", "--out", f.Out, .. extra];

    public static IEnumerable<BadInputCase> All()
    {
        // The graph's inputs and outputs.
        yield return Case("byom-two-timesteps", "could each be the timestep", "bad/two-timesteps");
        yield return Case("byom-unknown-input", "unknown input 'mask'", "bad/unknown-input");
        yield return Case("byom-timestep-rank2", "input 'timestep' (timestep) is float32 [B,1]", "bad/timestep-rank2");
        yield return Case("byom-text-conditioned", "'encoder_hidden_states'", "bad/text-conditioned");
        yield return Case("byom-sample-rank2", "expected rank 4", "bad/sample-rank2");
        // Of two outputs 'eps' is taken by its name (ModelFolderTests); one named in onnxdiffusion.json must exist.
        yield return Case("byom-output-not-in-graph", "key 'output' = \"noise\" is not an output", "bad/two-outputs",
            dir => File.WriteAllText(Path.Combine(dir, "onnxdiffusion.json"), "{\"output\": \"noise\"}"));
        // The folder's files.
        yield return Case("byom-no-scheduler-config", "no scheduler_config.json beside it", "cond-rgb16",
            dir => File.Delete(Path.Combine(dir, "scheduler_config.json")));
        yield return Case("byom-pipeline-no-scheduler", "scheduler/scheduler_config.json", "ddpm-rgb32",
            dir => Directory.Delete(Path.Combine(dir, "scheduler"), true));
        yield return Case("byom-pipeline-no-unet", "unet/model.onnx", "ddpm-rgb32", dir => File.Delete(Path.Combine(dir, "unet", "model.onnx")));
        yield return Case("byom-unknown-beta-schedule", "'beta_schedule'", "ddpm-rgb32",
            dir => Edit(Path.Combine(dir, "scheduler", "scheduler_config.json"), "beta_schedule", "quartic"));
        yield return Case("byom-two-onnx-files", "2 .onnx files", "cond-rgb16",
            dir => File.Copy(Path.Combine(dir, "unet.onnx"), Path.Combine(dir, "other.onnx")));
        yield return Case("byom-not-a-model-folder", "not a model folder", "cond-rgb16", dir => File.Delete(Path.Combine(dir, "unet.onnx")));
        yield return Case("byom-latent-pipeline", "latent pipeline", "ddpm-rgb32",
            dir => Edit(Path.Combine(dir, "model_index.json"), "vae_decoder", new JsonArray("diffusers", "AutoencoderKL")));
        // unet/config.json against the graph.
        yield return Case("byom-channels-disagree", "in_channels = 1", "ddpm-rgb32",
            dir => Edit(Path.Combine(dir, "unet", "config.json"), "in_channels", 1));
        yield return Case("byom-size-disagrees", "sample_size = 64", "ddpm-rgb32",
            dir => Edit(Path.Combine(dir, "unet", "config.json"), "sample_size", 64));
        yield return Case("byom-class-embeds-without-input", "num_class_embeds = 10", "ddpm-rgb32",
            dir => Edit(Path.Combine(dir, "unet", "config.json"), "num_class_embeds", 10));
        // onnxdiffusion.json.
        yield return Case("byom-class-count-unknown", "nothing says how many classes", "cond-rgb16",
            dir => File.Delete(Path.Combine(dir, "onnxdiffusion.json")));
        yield return Case("byom-overrides-unknown-key", "unknown key 'class_name'", "cond-rgb16",
            dir => Edit(Path.Combine(dir, "onnxdiffusion.json"), "class_name", "x"));
        yield return Case("byom-null-class-inside-labels", "'null_class' = 1", "cond-rgb16",
            dir => Edit(Path.Combine(dir, "onnxdiffusion.json"), "null_class", 1));
        yield return Case("byom-overrides-wrong-input", "'inputs.timestep' = \"t\"", "cond-rgb16",
            dir => Edit(Path.Combine(dir, "onnxdiffusion.json"), "inputs", new JsonObject { ["timestep"] = "t" }));
        // Guidance and conditioning.
        yield return Case("byom-guidance-unconditional", "unconditional model", "ddpm-rgb32", null,
            f => ["generate", "--model", Model(f), "--unlabelled", "--guidance", "2", "--per-class", "1", "--steps", "2", "--device", "cpu", "--out", f.Out]);
        yield return Case("byom-guidance-no-null-class", "has no null class", "cond-rgb16",
            dir => Edit(Path.Combine(dir, "onnxdiffusion.json"), "null_class", null),
            f => ["generate", "--model", Model(f), "--guidance", "2", "--per-class", "1", "--steps", "2", "--device", "cpu", "--out", f.Out]);
        yield return Case("byom-generate-unconditional", "--unlabelled", "ddpm-rgb32");
        yield return Case("byom-unlabelled-conditional", "--unlabelled: ", "cond-rgb16", null,
            f => ["generate", "--model", Model(f), "--unlabelled", "--per-class", "1", "--steps", "2", "--device", "cpu", "--out", f.Out]);
        // The model against the data.
        yield return Case("byom-data-size", "--resize", "ddpm-rgb32", null, f => Reconstruct(f, Fixture("data-rgb16")));
        yield return Case("byom-data-classes", "class folder 'c0' is not one of the classes", "cond-rgb16", null, f => Reconstruct(f, f.Data));
        // An unconditional model takes the data's classes: train and test must agree on them.
        yield return new BadInputCase("byom-train-test-classes", "the train split has classes circle, square, stripes but the test split",
            f => ["reproduce", "--profile", "quick", "--model", Model(f), "--data", Path.Combine(f.Root, "data3"), "--device", "cpu", "--out", f.Out],
            f =>
            {
                Copy(f, "ddpm-rgb32");
                string data = Path.Combine(f.Root, "data3");
                foreach (var file in Directory.GetFiles(Fixture("data-rgb32"), "*.png", SearchOption.AllDirectories))
                {
                    string to = Path.Combine(data, Path.GetRelativePath(Fixture("data-rgb32"), file));
                    Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                    File.Copy(file, to);
                }
                Directory.Move(Path.Combine(data, "test", "stripes"), Path.Combine(data, "test", "zigzag"));
            });
    }
}
