using System.Text;
using System.Text.Json;
using OnnxDiffusion.Data;

namespace OnnxDiffusion.Synthesis;

/// <summary>
/// Joins the outputs of <c>--shard i/n</c> runs into one dataset. Checks that every shard has the same recipe,
/// that shards 0 … n−1 are all present exactly once, that each is complete (every id it owns, with a PNG of the
/// recorded hash) and that no id appears twice; then copies the images and writes the union manifest and the
/// recipe without the shard field — the same bytes a single-machine run writes. The manifest is renamed into place
/// last, so a merge stopped part way is recognised (a recipe, no manifest) and finished by the same command.
/// </summary>
public static class DatasetMerger
{
    /// <summary>
    /// Merges <paramref name="shardDirs"/> into <paramref name="outDir"/>, which must be new, empty, or an earlier merge of
    /// the same shards (its recipe is checked; an interrupted one is finished).
    /// </summary>
    /// <exception cref="ConfigException">Mismatched, missing, duplicate or incomplete shards (named).</exception>
    public static int Merge(string outDir, IReadOnlyList<string> shardDirs)
    {
        if (shardDirs.Count == 0)
            throw new ConfigException("merge: no shard folders given");
        if (File.Exists(outDir))
            throw new OutputException($"--out {outDir}: is a file, expected a new or empty folder");
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

        // Every shard must be whole by the one definition metrics and the experiment use too (one streaming pass each).
        var ascending = new Dictionary<int, bool>();
        foreach (var (index, dir) in shards)
        {
            var status = SyntheticSetStatus.Read(dir)!; // its dataset.json was read above
            if (!status.IsComplete)
                throw new ConfigException($"{dir}: shard {status.Shard} is not whole: {status.Problem}; rerun it to resume");
            ascending[index] = status.InIdOrder;
        }

        var recipe = first.Config with { Shard = null };
        // A merge stopped part way (a full disk, a kill) left its recipe and some images but never its manifest, which
        // is written last: rerunning the same merge finishes it, as a rerun of generate does; anything else is refused.
        bool resumable = File.Exists(Path.Combine(outDir, SyntheticDatasetWriter.ConfigName));
        if (!resumable && Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
            throw new ConfigException($"{outDir}: merge output folder must be new, empty, or an interrupted merge of the same shards");
        SyntheticDatasetWriter.Open(outDir, recipe); // creates the folder, its class folders and dataset.json
        string manifest = Path.Combine(outDir, SyntheticDatasetWriter.ManifestName);
        string partial = manifest + AtomicFile.TempSuffix;
        int merged = 0;
        try
        {
            using (var output = new StreamWriter(partial, append: false, new UTF8Encoding(false)))
            {
                // Shards own ids ≡ i (mod n) and each manifest is in id order, so the union in id order is a k-way merge of streams.
                foreach (var (r, dir) in MergeById(shards.ToDictionary(kv => kv.Value, kv =>
                             ascending[kv.Key] ? ManifestReader.Read(Path.Combine(kv.Value, SyntheticDatasetWriter.ManifestName))
                                 : ManifestReader.Read(Path.Combine(kv.Value, SyntheticDatasetWriter.ManifestName)).OrderBy(x => x.Id))))
                {
                    string dst = Path.Combine(outDir, r.File);
                    OutputFolder.Create(Path.GetDirectoryName(dst)!);
                    AtomicFile.WriteAllBytes(dst, File.ReadAllBytes(Path.Combine(dir, r.File)));
                    output.Write(r.ToJsonLine());
                    output.Write('\n');
                    merged++;
                }
            }
            File.Move(partial, manifest, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OutputException)
        {
            // A full disk part way: no manifest debris; the images copied so far are whole and the rerun finishes the merge.
            File.Delete(partial);
            throw ex as OutputException ?? AtomicFile.Failure(manifest, ex);
        }
        SyntheticDatasetWriter.Open(outDir, recipe).WriteGrid(Math.Min(10, recipe.PerClass));
        return merged;
    }

    private static IEnumerable<(ManifestRecord Record, string Dir)> MergeById(Dictionary<string, IEnumerable<ManifestRecord>> streams)
    {
        var heads = new PriorityQueue<(IEnumerator<ManifestRecord> It, string Dir), long>();
        var open = new List<IEnumerator<ManifestRecord>>();
        try
        {
            foreach (var (dir, records) in streams)
            {
                var it = records.GetEnumerator();
                open.Add(it);
                if (it.MoveNext())
                    heads.Enqueue((it, dir), it.Current.Id);
            }
            while (heads.TryDequeue(out var head, out _))
            {
                yield return (head.It.Current, head.Dir);
                if (head.It.MoveNext())
                    heads.Enqueue(head, head.It.Current.Id);
            }
        }
        finally
        {
            foreach (var it in open)
                it.Dispose();
        }
    }
}
