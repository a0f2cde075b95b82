using System.Text.Json.Nodes;

namespace OnnxDiffusion.Cli.Tests.BadInput;

/// <summary>
/// Every kind of bad input the CLI should turn into one line: options, output folders, model folders, scheduler
/// configs, data, plans, shards and merges, metrics. Cases that worked before this suite are here too, so they stay working.
/// </summary>
internal static partial class BadInputCases
{
    internal static string[] Cmd(string command, CaseFolder f, params (string Option, string? Value)[] overrides)
    {
        var options = new List<(string, string?)>();
        void Default(string o, string v) => options.Add((o, v));
        Default("--out", f.Out);
        switch (command)
        {
            case "generate":
            case "reconstruct":
                Default("--model", f.Model);
                Default("--per-class", "1");
                Default("--steps", "2");
                Default("--device", "cpu");
                if (command == "reconstruct")
                {
                    Default("--data", f.Data);
                    Default("--strength", "0.5");
                }
                break;
            case "reproduce":
                Default("--model", f.Model);
                Default("--data", f.Data);
                Default("--device", "cpu");
                break;
        }
        foreach (var (o, v) in overrides)
        {
            options.RemoveAll(x => x.Item1 == o);
            options.Add((o, v));
        }
        var args = new List<string> { command };
        foreach (var (o, v) in options)
        {
            if (v is null)
                continue; // removed
            args.Add(o);
            if (v.Length > 0)
                args.Add(v);
        }
        return args.ToArray();
    }

    private static BadInputCase Gen(string name, string expected, params (string, string?)[] o) => new(name, expected, f => Cmd("generate", f, o));

    private static BadInputCase Rec(string name, string expected, params (string, string?)[] o) => new(name, expected, f => Cmd("reconstruct", f, o));

    private static BadInputCase Model(string name, string expected, Action<CaseFolder> setup) => new(name, expected, f => Cmd("generate", f), setup);

    private static BadInputCase Plan(string name, string expected, string json) =>
        new(name, expected, f => Cmd("reproduce", f, ("--plan", Path.Combine(f.Root, "plan.json"))), f => f.File("plan.json", json));

    /// <summary>A synthetic set folder in the case's root: its recipe says 4 images, <paramref name="lines"/> are in its manifest.</summary>
    private static string SyntheticSet(CaseFolder f, string name, int lines, string? shard = null, double strength = 1.0)
    {
        string dir = Path.Combine(f.Root, name);
        Directory.CreateDirectory(dir);
        var recipe = new Synthesis.SyntheticRunConfig
        {
            Kind = "generate", PerClass = 2, Total = 4, Strength = strength, ImageSize = 4, Channels = 1, ClassNames = ["a", "b"], Shard = shard,
        };
        File.WriteAllText(Path.Combine(dir, "dataset.json"), recipe.ToJson());
        File.WriteAllText(Path.Combine(dir, "manifest.jsonl"), string.Concat(Enumerable.Range(0, lines).Select(i =>
            $"{{\"id\":{i},\"file\":\"a/{i:D6}.png\",\"class\":\"a\",\"label\":0}}\n")));
        return dir;
    }

    public static IEnumerable<BadInputCase> All()
    {
        // Options: parse errors, ranges, resource limits.
        yield return Gen("not-an-integer", "--per-class", ("--per-class", "x"));
        yield return new("missing-required-out", "--out", f => ["generate", "--model", f.Model]);
        yield return Gen("unknown-option", "--bogus", ("--bogus", ""));
        yield return new("unknown-command", "frobnicate", _ => ["frobnicate"]);
        yield return Gen("device-name", "device 'foo'", ("--device", "foo"));
        yield return Gen("per-class-zero", "--per-class 0", ("--per-class", "0"));
        yield return Gen("per-class-negative", "--per-class -3", ("--per-class", "-3"));
        yield return Gen("per-class-beyond-memory", "--per-class 2147483647", ("--per-class", "2147483647"));
        yield return Gen("threads-beyond-cores", "--threads 100000", ("--threads", "100000"));
        yield return Gen("threads-negative", "--threads -1", ("--threads", "-1"));
        yield return Gen("sessions-beyond-cores", "--sessions 100000", ("--sessions", "100000"));
        yield return Gen("sessions-negative", "--sessions -2", ("--sessions", "-2"));
        yield return Gen("batch-zero", "--batch 0", ("--batch", "0"));
        yield return Gen("batch-beyond-memory", "--batch 1000000000", ("--batch", "1000000000"));
        yield return Gen("guidance-nan", "--guidance NaN", ("--guidance", "NaN"));
        yield return Gen("guidance-infinity", "--guidance Infinity", ("--guidance", "Infinity"));
        yield return Gen("guidance-negative", "--guidance -1", ("--guidance", "-1"));
        yield return Gen("eta-nan", "--eta NaN", ("--eta", "NaN"));
        yield return Gen("eta-above-one", "--eta 1.5", ("--eta", "1.5"));
        yield return Gen("steps-zero", "steps = 0", ("--steps", "0"));
        yield return Gen("steps-beyond-schedule", "steps = 5000", ("--steps", "5000"));
        yield return Gen("sampler-name", "sampler 'euler'", ("--sampler", "euler"));
        yield return Gen("shard-index-beyond-count", "--shard '3/2'", ("--shard", "3/2"));
        yield return Gen("shard-not-a-fraction", "--shard 'x'", ("--shard", "x"));
        yield return Rec("strength-above-one", "--strength 1.5", ("--strength", "1.5"));
        yield return Rec("strength-nan", "--strength NaN", ("--strength", "NaN"));
        yield return Rec("split-name", "--split 'validation'", ("--split", "validation"));
        yield return Rec("per-class-beyond-data", "fewer than --per-class 50", ("--per-class", "50"));
        yield return Rec("data-missing", "/nonexistent-data", ("--data", "/nonexistent-data"));

        // Output folders.
        yield return new("out-is-a-file", "is a file", f => Cmd("generate", f, ("--out", Path.Combine(f.Root, "afile"))), f => f.File("afile", "x"));
        yield return Gen("out-under-proc", "/proc/onnxdiffusion-bad-input", ("--out", "/proc/onnxdiffusion-bad-input"));
        yield return Gen("out-under-sys", "/sys/onnxdiffusion-bad-input", ("--out", "/sys/onnxdiffusion-bad-input"));
        yield return new("out-not-empty-without-recipe", "holds no dataset.json", f => Cmd("generate", f),
            f => { Directory.CreateDirectory(f.Out); File.WriteAllText(Path.Combine(f.Out, "notes.txt"), "mine"); });
        yield return new("out-made-by-another-recipe", "this folder was made with", f => Cmd("generate", f, ("--seed", "9")),
            f => Assert.Equal(0, TestData.RunCli(Cmd("generate", f)).Code));
        yield return new("reproduce-out-is-a-file", "is a file", f => Cmd("reproduce", f, ("--profile", "quick"), ("--out", Path.Combine(f.Root, "afile")), ("--data", Path.Combine(f.Root, "splits"))),
            f => { f.File("afile", "x"); Directory.CreateDirectory(Path.Combine(f.Root, "splits")); });

        // Model folders.
        yield return Gen("model-folder-missing", "model folder not found", ("--model", "/nonexistent-model"));
        yield return Model("model-json-missing-class-count-unknown", "nothing says how many classes", f => File.Delete(Path.Combine(f.Model, "model.json")));
        yield return Model("model-json-not-json", "model.json", f => File.WriteAllText(Path.Combine(f.Model, "model.json"), "{ nope"));
        yield return Model("model-image-size", "'image_size' = 0", f => f.EditModel("model.json", "image_size", 0));
        yield return Model("model-prediction-type", "'prediction_type'", f => f.EditModel("model.json", "prediction_type", "noise"));
        yield return Model("model-class-names", "'class_names'", f => f.EditModel("model.json", "class_names", new JsonArray("a")));
        yield return Model("model-null-class-inside-labels", "'null_class' = 3", f => f.EditModel("model.json", "null_class", 3));
        yield return Model("model-sha256-mismatch", "'onnx_sha256'", f => f.EditModel("model.json", "onnx_sha256", new string('0', 64)));
        yield return Model("model-labels-beyond-embedding", "does not take label 11", f =>
        {
            f.EditModel("model.json", "num_classes", 12);
            f.EditModel("model.json", "null_class", 12);
            f.EditModel("model.json", "class_names", new JsonArray(Enumerable.Range(0, 12).Select(i => (JsonNode?)$"c{i}").ToArray()));
        });
        yield return Model("model-onnx-missing", "unet.onnx", f => File.Delete(Path.Combine(f.Model, "unet.onnx")));
        yield return Model("model-onnx-garbage", "unet.onnx", f => File.WriteAllText(Path.Combine(f.Model, "unet.onnx"), "not a model"));
        yield return Model("model-output-name", "out_sample_x", f => f.EditModel("model.json", "output", "out_sample_x"));
        yield return new("guidance-without-null-class", "null_class", f => Cmd("generate", f, ("--guidance", "2")),
            f => f.EditModel("model.json", "null_class", null));

        // Scheduler configs.
        yield return Model("scheduler-missing", "scheduler_config.json", f => File.Delete(Path.Combine(f.Model, "scheduler_config.json")));
        yield return Model("scheduler-not-json", "scheduler_config.json", f => File.WriteAllText(Path.Combine(f.Model, "scheduler_config.json"), "[1"));
        yield return Model("scheduler-beta-start", "'beta_start'", f => f.EditModel("scheduler_config.json", "beta_start", -1));
        yield return Model("scheduler-beta-schedule", "'beta_schedule'", f => f.EditModel("scheduler_config.json", "beta_schedule", "quartic"));
        yield return Model("scheduler-thresholding", "'thresholding'", f => f.EditModel("scheduler_config.json", "thresholding", true));
        yield return Model("scheduler-prediction-disagrees", "prediction_type", f => f.EditModel("scheduler_config.json", "prediction_type", "v_prediction"));
        yield return new("schedule-config-missing", "/nonexistent/scheduler_config.json", _ => ["schedule", "--config", "/nonexistent/scheduler_config.json"]);
        yield return new("schedule-steps-zero", "steps = 0", f => ["schedule", "--config", f.Model, "--steps", "0"]);
        yield return new("schedule-strength", "strength = 2", f => ["schedule", "--config", f.Model, "--strength", "2"]);

        // Data.
        yield return new("idx-truncated", "train-images-idx3-ubyte", f => Cmd("reconstruct", f, ("--data", Path.Combine(f.Root, "idx"))), f =>
        {
            Directory.CreateDirectory(Path.Combine(f.Root, "idx"));
            File.WriteAllBytes(Path.Combine(f.Root, "idx", "train-images-idx3-ubyte"), [0, 0, 8, 3, 0, 0, 0, 9, 0, 0, 0, 4, 0, 0, 0, 4, 1, 2]);
            File.WriteAllBytes(Path.Combine(f.Root, "idx", "train-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        });
        yield return new("idx-bad-magic", "train-images-idx3-ubyte", f => Cmd("reconstruct", f, ("--data", Path.Combine(f.Root, "idx"))), f =>
        {
            Directory.CreateDirectory(Path.Combine(f.Root, "idx"));
            File.WriteAllBytes(Path.Combine(f.Root, "idx", "train-images-idx3-ubyte"), [1, 2, 3, 4, 5, 6, 7, 8]);
            File.WriteAllBytes(Path.Combine(f.Root, "idx", "train-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 0]);
        });
        yield return new("imagefolder-unknown-class", "'hat'", f => Cmd("reconstruct", f), f => Directory.CreateDirectory(Path.Combine(f.Data, "hat")));
        yield return new("imagefolder-corrupt-png", "000001.png", f => Cmd("reconstruct", f),
            f => File.WriteAllBytes(Path.Combine(f.Data, "c0", "000001.png"), [0x89, 0x50, 0x4E, 0x47, 0, 0]));
        yield return new("imagefolder-wrong-size", "pass --resize", f => Cmd("reconstruct", f, ("--data", Path.Combine(f.Root, "big"))), f =>
        {
            var w = new Data.ImageFolderWriter(Path.Combine(f.Root, "big"), Enumerable.Range(0, 10).Select(c => $"c{c}").ToArray(), 1, 6);
            for (int c = 0; c < 10; c++)
                w.Write(c, c, new float[36]);
        });

        // Plans and reproduce options.
        yield return Plan("plan-not-json", "cannot read experiment plan", "{ \"k\": 5");
        yield return Plan("plan-not-an-object", "expected a JSON object", "[1, 2]");
        yield return Plan("plan-seeds-replaced", "'seeds' was replaced by 'replicates'", "{ \"seeds\": 3 }");
        yield return Plan("plan-k-zero", "k = 0", "{ \"k\": 0 }");
        yield return Plan("plan-eta", "eta = 2", "{ \"eta\": 2 }");
        yield return Plan("plan-profile", "profile 'huge'", "{ \"profile\": \"huge\" }");
        yield return Plan("plan-wrong-type", "key 'k'", "{ \"k\": \"five\" }");
        yield return Plan("plan-unknown-key", "unknown key 'colour'", "{ \"colour\": 1 }");
        yield return Plan("plan-classifier", "classifier 'svm'", "{ \"classifiers\": [\"svm\"] }");
        yield return Plan("plan-strengths", "strengths", "{ \"strengths\": [0.5, 2] }");
        yield return new("plan-missing", "/nonexistent-plan.json", f => Cmd("reproduce", f, ("--plan", "/nonexistent-plan.json")));
        yield return new("reproduce-seeds-option", "--replicates", f => Cmd("reproduce", f, ("--seeds", "3")));
        yield return new("reproduce-replicates-zero", "replicates = 0", f => Cmd("reproduce", f, ("--replicates", "0")));
        yield return new("reproduce-profile", "'huge'", f => Cmd("reproduce", f, ("--profile", "huge")));
        yield return new("reproduce-sampler", "sampler = 'euler'", f => Cmd("reproduce", f, ("--sampler", "euler")));

        // Merge.
        yield return new("merge-no-shards", "Required argument missing for command: 'merge'", f => ["merge", "--out", f.Out]);
        yield return new("merge-out-is-a-file", "is a file", f => ["merge", "--out", Path.Combine(f.Root, "afile"), SyntheticSet(f, "s0", 2, "0/2")],
            f => f.File("afile", "x"));
        yield return new("merge-missing-shard", "1/2 missing", f => ["merge", "--out", f.Out, SyntheticSet(f, "s0", 2, "0/2")]);
        yield return new("merge-recipes-differ", "recipe differs", f => ["merge", "--out", f.Out, SyntheticSet(f, "s0", 2, "0/2"), SyntheticSet(f, "s1", 2, "1/2", strength: 0.5)]);
        yield return new("merge-shard-missing-recipe", "dataset.json", f => ["merge", "--out", f.Out, Path.Combine(f.Root, "empty")],
            f => Directory.CreateDirectory(Path.Combine(f.Root, "empty")));
        yield return new("merge-png-missing", ".png", f => ["merge", "--out", f.Out, SyntheticSet(f, "s0", 2, "0/2"), SyntheticSet(f, "s1", 2, "1/2")]);

        // Metrics.
        yield return new("metrics-k-zero", "--k 0", f => ["metrics", "--fake", f.Data, "--k", "0"]);
        yield return new("metrics-draws-negative", "--draws -1", f => ["metrics", "--fake", f.Data, "--draws", "-1"]);
        yield return new("metrics-features-missing", "/nonexistent-features", f => ["metrics", "--fake", f.Data, "--features", "/nonexistent-features"]);
        yield return new("metrics-incomplete-set", "synthetic set is not whole: a/000000.png is missing", f => ["metrics", "--fake", SyntheticSet(f, "partial", 2)]);

        foreach (var c in EmptyValueCases().Concat(RangeCases()).Concat(JsonValueCases()).Concat(IntegrityCases()))
            yield return c;
    }
}
