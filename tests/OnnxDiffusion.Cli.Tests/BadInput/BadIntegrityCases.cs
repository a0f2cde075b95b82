using System.Text.Json.Nodes;

namespace OnnxDiffusion.Cli.Tests.BadInput;

/// <summary>
/// Data that is not what it claims to be: truncated PNGs, manifests that repeat a record or point outside their folder
/// (metrics and merge both refuse them, and merge writes nothing, outside --out or in it).
/// </summary>
internal static partial class BadInputCases
{
    // A real, whole synthetic set made by generate (10 images, or the shard's share of them).
    private static string GeneratedSet(CaseFolder f, string name, string? shard = null)
    {
        string dir = Path.Combine(f.Root, name);
        var args = Cmd("generate", f, ("--out", dir), ("--shard", shard));
        var (code, err) = TestData.RunCli(args);
        Assert.True(code == 0, err);
        return dir;
    }

    // Rewrites line `index` of a set's manifest (null drops nothing but edits; the function returns the new line or null to repeat it).
    private static void EditManifest(string dir, int index, Func<JsonObject, JsonObject?> edit)
    {
        string path = Path.Combine(dir, "manifest.jsonl");
        var lines = File.ReadAllLines(path).ToList();
        var record = JsonNode.Parse(lines[index])!.AsObject();
        if (edit(record) is { } changed)
            lines[index] = changed.ToJsonString();
        else
            lines.Insert(index, lines[index]);
        File.WriteAllLines(path, lines);
    }

    // Sets one key of a set's dataset.json (JSON null included).
    private static void EditRecipe(string dir, string key, JsonNode? value)
    {
        string path = Path.Combine(dir, "dataset.json");
        var obj = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        obj[key] = value;
        File.WriteAllText(path, obj.ToJsonString());
    }

    private static JsonArray RepeatedClassNames() => new(Enumerable.Range(0, 10).Select(i => (JsonNode?)$"c{(i == 2 ? 1 : i)}").ToArray());

    private static void Truncate(string file)
    {
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length * 6 / 10)]);
    }

    private static string FirstPng(string dir) => Directory.GetFiles(Path.Combine(dir, "c0"), "*.png").Order(StringComparer.Ordinal).First();

    private static BadInputCase MetricsOnSet(string name, string expected, Action<string> spoil) =>
        new(name, expected, f => ["metrics", "--real", f.Data, "--fake", Path.Combine(f.Root, "set")], f => spoil(GeneratedSet(f, "set")));

    private static BadInputCase MergeOfSpoiled(string name, string expected, Action<CaseFolder, string> spoil) =>
        new(name, expected, f => ["merge", "--out", f.Out, Path.Combine(f.Root, "s0"), Path.Combine(f.Root, "s1")], f =>
        {
            GeneratedSet(f, "s0", "0/2");
            spoil(f, GeneratedSet(f, "s1", "1/2"));
        });

    private static IEnumerable<BadInputCase> IntegrityCases()
    {
        // Truncated images: SkiaSharp decodes the first rows of such a file and zero-fills the rest unless told not to.
        yield return new("reconstruct-png-truncated", "000001.png: image data is truncated", f => Cmd("reconstruct", f),
            f => Truncate(Path.Combine(f.Data, "c0", "000001.png")));
        yield return new("reconstruct-png-truncated-other-class", "000302.png: image data is truncated", f => Cmd("reconstruct", f),
            f => Truncate(Path.Combine(f.Data, "c3", "000302.png")));
        yield return new("metrics-plain-folder-png-truncated", "000000.png: image data is truncated",
            f => ["metrics", "--real", Path.Combine(f.Root, "real28"), "--fake", Path.Combine(f.Root, "plain"), "--features", Path.Combine(TestData.Root, "tests", "fixtures", "foreign-features")],
            f =>
            {
                foreach (var name in new[] { "real28", "plain" })
                {
                    var w = new Data.ImageFolderWriter(Path.Combine(f.Root, name), Enumerable.Range(0, 10).Select(c => $"c{c}").ToArray(), 1, 28);
                    for (int c = 0; c < 10; c++)
                        for (int i = 0; i < 2; i++)
                            w.Write(c, c * 10 + i, Enumerable.Range(0, 28 * 28).Select(p => (float)Math.Sin(c + i + p)).ToArray());
                }
                Truncate(Path.Combine(f.Root, "plain", "c0", "000000.png"));
            });

        // Synthetic sets whose manifest and files disagree.
        yield return MetricsOnSet("metrics-set-png-truncated", "does not match its manifest hash", dir => Truncate(FirstPng(dir)));
        yield return MetricsOnSet("metrics-set-png-replaced", "does not match its manifest hash", dir => File.Copy(Path.Combine(dir, "c1", "000001.png"), FirstPng(dir), true));
        yield return MetricsOnSet("metrics-set-line-repeated", "appears twice", dir => EditManifest(dir, 3, _ => null));
        yield return MetricsOnSet("metrics-set-file-outside", "'../outside.png'", dir => EditManifest(dir, 0, r => { r["file"] = "../outside.png"; return r; }));
        yield return MetricsOnSet("metrics-set-file-absolute", "'/etc/hostname'", dir => EditManifest(dir, 0, r => { r["file"] = "/etc/hostname"; return r; }));
        yield return MetricsOnSet("metrics-set-file-null", "file null is not inside", dir => EditManifest(dir, 0, r => { r["file"] = null; return r; }));
        yield return MetricsOnSet("metrics-set-class-names-repeated", "'class_names' lists 'c1' twice", dir => EditRecipe(dir, "class_names", RepeatedClassNames()));
        yield return MetricsOnSet("metrics-set-class-names-null", "'class_names'", dir => EditRecipe(dir, "class_names", null));
        yield return MetricsOnSet("metrics-set-total-negative", "'total' = -4", dir => EditRecipe(dir, "total", -4));
        yield return new("metrics-real-split-name", "--real-split 'validation'", f => ["metrics", "--fake", f.Data, "--real-split", "validation"]);
        yield return new("metrics-fake-split-name", "--fake-split 'x'", f => ["metrics", "--fake", f.Data, "--fake-split", "x"]);
        yield return MetricsOnSet("metrics-set-record-null", "not a manifest record", dir => File.AppendAllText(Path.Combine(dir, "manifest.jsonl"), "null\n"));

        // Merge refuses the same, before it copies anything: the outside file exists with the recorded hash, so only the path check stops it.
        yield return MergeOfSpoiled("merge-file-outside-out", "'../outside.png'", (f, s1) => EditManifest(s1, 0, r =>
        {
            File.Copy(Path.Combine(s1, (string)r["file"]!), Path.Combine(f.Root, "outside.png"));
            r["file"] = "../outside.png";
            return r;
        }));
        yield return MergeOfSpoiled("merge-file-null", "file null is not inside", (_, s1) => EditManifest(s1, 0, r => { r["file"] = null; return r; }));
        yield return MergeOfSpoiled("merge-class-names-repeated", "'class_names' lists 'c1' twice", (_, s1) => EditRecipe(s1, "class_names", RepeatedClassNames()));
        yield return MergeOfSpoiled("merge-line-repeated", "appears twice", (_, s1) => EditManifest(s1, 1, _ => null));
        yield return MergeOfSpoiled("merge-png-truncated", "does not match its manifest hash",
            (_, s1) => Truncate(Directory.GetFiles(s1, "*.png", SearchOption.AllDirectories).First(p => Path.GetFileName(p) != "grid.png")));
        yield return MergeOfSpoiled("merge-into-other-dataset", "this folder was made with", (f, _) =>
        {
            var (code, err) = TestData.RunCli(Cmd("generate", f, ("--seed", "5")));
            Assert.True(code == 0, err);
        });
    }
}
