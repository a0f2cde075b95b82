using System.Text.Json;
using OnnxDiffusion.Data;

namespace OnnxDiffusion.Synthesis;

/// <summary>Streams <c>manifest.jsonl</c>, the single source of a synthetic image's provenance, one record at a time.</summary>
public static class ManifestReader
{
    /// <summary>
    /// The records of <paramref name="path"/> in file order. A line that is not a record throws, naming the file and line,
    /// unless <paramref name="skipInvalid"/> (the writer's resume path, which simply redoes such an id).
    /// </summary>
    /// <exception cref="DataFormatException">Unreadable file or invalid line.</exception>
    public static IEnumerable<ManifestRecord> Read(string path, bool skipInvalid = false)
    {
        IEnumerable<string> lines;
        try
        {
            lines = File.ReadLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException($"{path}: cannot read manifest ({ex.Message})");
        }
        int number = 0;
        foreach (var line in lines)
        {
            number++;
            if (line.Length == 0)
                continue;
            ManifestRecord? r = null;
            try
            {
                r = JsonSerializer.Deserialize<ManifestRecord>(line);
            }
            catch (JsonException) when (skipInvalid)
            {
            }
            catch (JsonException ex)
            {
                throw new DataFormatException($"{path}:{number}: not a manifest record ({ex.Message})");
            }
            if (r is not null)
                yield return r;
            else if (!skipInvalid)
                throw new DataFormatException($"{path}:{number}: not a manifest record (null)");
        }
    }
}

/// <summary>A synthetic dataset read back through its manifest: the images in id order and each one's record.</summary>
/// <param name="Images">The images (labels from the records, <see cref="LabeledImages.Files"/> the records' paths).</param>
/// <param name="Records">The manifest records, in the same order.</param>
/// <param name="Config">The dataset's recipe.</param>
public sealed record SyntheticSet(LabeledImages Images, IReadOnlyList<ManifestRecord> Records, SyntheticRunConfig Config)
{
    /// <summary>Index of each image's real source in its split (reconstructions), or null when any image has none.</summary>
    public int[]? SourceIndices => Records.All(r => r.SourceIndex.HasValue) ? Records.Select(r => r.SourceIndex!.Value).ToArray() : null;

    /// <summary>Loads the dataset in <paramref name="root"/> (dataset.json, manifest.jsonl, the PNGs).</summary>
    /// <exception cref="OnnxDiffusionException">A missing or inconsistent file, named.</exception>
    public static SyntheticSet Load(string root)
    {
        var config = SyntheticRunConfig.Load(Path.Combine(root, SyntheticDatasetWriter.ConfigName));
        string manifest = Path.Combine(root, SyntheticDatasetWriter.ManifestName);
        var records = ManifestReader.Read(manifest).OrderBy(r => r.Id).ToList();
        int size = config.Channels * config.ImageSize * config.ImageSize;
        var pixels = new byte[records.Count * size];
        var size2d = new ImageFolderDataset.SameSize();
        for (int i = 0; i < records.Count; i++)
        {
            var r = records[i];
            if (r.Label < 0 || r.Label >= config.ClassNames.Count)
                throw new DataFormatException($"{manifest}: id {r.Id} has label {r.Label}, expected 0 … {config.ClassNames.Count - 1}");
            if (!r.FileIsInside)
                throw new DataFormatException($"{manifest}: id {r.Id}: file {r.FileText} is not inside the set's folder");
            string file = Path.Combine(root, r.File);
            var (px, w, h) = ImageFolderDataset.Decode(file, config.Channels);
            size2d.Check(file, w, h);
            if (px.Length != size)
                throw new DataFormatException($"{file}: {w}×{h}, expected {config.ImageSize}×{config.ImageSize} as {SyntheticDatasetWriter.ConfigName} says");
            px.CopyTo(pixels, i * size);
        }
        var images = new LabeledImages(pixels, records.Select(r => r.Label).ToArray(), config.Channels, config.ImageSize, config.ImageSize,
            config.ClassNames, root) { Files = records.Select(r => r.File).ToArray() };
        return new SyntheticSet(images, records, config);
    }
}
