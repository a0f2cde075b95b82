using System.Text;
using System.Text.Json;
using OnnxDiffusion.Data;

namespace OnnxDiffusion.Synthesis;

/// <summary>
/// Joins the outputs of <c>--shard i/n</c> runs into one dataset. Checks that every shard has the same recipe,
/// that shards 0 … n−1 are all present exactly once, that each is complete (every id it owns, with a PNG of the
/// recorded hash) and that no id appears twice; then copies the images and writes the union manifest and the
/// recipe without the shard field — the same bytes a single-machine run writes.
/// </summary>
public static class DatasetMerger
{
    /// <summary>Merges <paramref name="shardDirs"/> into <paramref name="outDir"/> (which must be new or empty).</summary>
    /// <exception cref="ConfigException">Mismatched, missing, duplicate or incomplete shards (named).</exception>
    public static int Merge(string outDir, IReadOnlyList<string> shardDirs)
    {
        if (shardDirs.Count == 0)
            throw new ConfigException("merge: no shard folders given");
        var configs = shardDirs.Select(d => (Dir: d, Config: SyntheticRunConfig.Load(Path.Combine(d, SyntheticDatasetWriter.ConfigName)))).ToList();
        var first = configs[0];
        var shards = new Dictionary<int, string>();
        int count = -1;
        foreach (var (dir, cfg) in configs)
        {
            var spec = ShardSpec.Parse(cfg.Shard ?? "0/1");
            if (count < 0)
                count = spec.Count;
            if (spec.Count != count)
                throw new ConfigException($"{dir}: shard {spec} is one of {spec.Count}, but {first.Dir} is one of {count}");
            if (!shards.TryAdd(spec.Index, dir))
                throw new ConfigException($"{dir}: shard {spec} given twice (also {shards[spec.Index]})");
            if ((cfg with { Shard = null }).FirstDifference(first.Config with { Shard = null }) is var (key, mine, theirs))
                throw new ConfigException($"{dir}: recipe differs from {first.Dir}: {key} = {mine} vs {theirs}");
        }
        var missing = Enumerable.Range(0, count).Where(i => !shards.ContainsKey(i)).ToArray();
        if (missing.Length > 0)
            throw new ConfigException($"merge: shard(s) {string.Join(", ", missing.Select(i => $"{i}/{count}"))} missing");

        var records = new SortedDictionary<long, (ManifestRecord Record, string Dir)>();
        foreach (var (index, dir) in shards)
        {
            var spec = new ShardSpec(index, count);
            foreach (var line in File.ReadLines(Path.Combine(dir, SyntheticDatasetWriter.ManifestName)).Where(l => l.Length > 0))
            {
                var r = JsonSerializer.Deserialize<ManifestRecord>(line)
                        ?? throw new ConfigException($"{dir}/{SyntheticDatasetWriter.ManifestName}: empty record");
                if (!spec.Owns(r.Id))
                    throw new ConfigException($"{dir}: id {r.Id} does not belong to shard {spec}");
                if (!records.TryAdd(r.Id, (r, dir)))
                    throw new ConfigException($"{dir}: id {r.Id} also present in {records[r.Id].Dir}");
                string png = Path.Combine(dir, r.File);
                if (!File.Exists(png) || SyntheticDatasetWriter.Sha256(File.ReadAllBytes(png)) != r.PngSha256)
                    throw new ConfigException($"{png}: missing or does not match its manifest hash");
            }
            int owned = Enumerable.Range(0, first.Config.Total).Count(id => spec.Owns(id));
            int have = records.Values.Count(v => v.Dir == dir);
            if (have != owned)
                throw new ConfigException($"{dir}: shard {spec} is incomplete ({have} of {owned} images); rerun it to resume");
        }

        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
            throw new ConfigException($"{outDir}: merge output folder must be new or empty");
        var recipe = first.Config with { Shard = null };
        SyntheticDatasetWriter.Open(outDir, recipe); // creates the folder, its class folders and dataset.json
        var sb = new StringBuilder();
        foreach (var (r, dir) in records.Values)
        {
            string dst = Path.Combine(outDir, r.File);
            OutputFolder.Create(Path.GetDirectoryName(dst)!);
            AtomicFile.WriteAllBytes(dst, File.ReadAllBytes(Path.Combine(dir, r.File)));
            sb.Append(JsonSerializer.Serialize(r)).Append('\n');
        }
        AtomicFile.WriteAllText(Path.Combine(outDir, SyntheticDatasetWriter.ManifestName), sb.ToString());
        SyntheticDatasetWriter.Open(outDir, recipe).WriteGrid(Math.Min(10, recipe.PerClass));
        return records.Count;
    }
}
