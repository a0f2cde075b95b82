using System.Collections;
using System.Text;
using System.Text.Json;
using OnnxDiffusion.Data;
using OnnxDiffusion.Imaging;

namespace OnnxDiffusion.Synthesis;

/// <summary>
/// Writes a synthetic dataset: ImageFolder PNGs, <c>manifest.jsonl</c> and <c>dataset.json</c> (the recipe). Every PNG
/// goes through a temporary name and a rename; the manifest is append-only, one record per image, appended and
/// fsync'd once per batch (in id order within the batch), so writing it costs its own size and memory holds no
/// per-image state beyond the current batch and one bit per id. Opening a folder that already holds a dataset checks
/// that its recipe is the same, repairs a last line torn by a kill, and treats every id whose PNG exists with the
/// recorded hash as done, so an interrupted run resumes where it stopped and ends byte-identical to an uninterrupted one.
/// </summary>
public sealed class SyntheticDatasetWriter
{
    /// <summary>Manifest file name.</summary>
    public const string ManifestName = "manifest.jsonl";

    /// <summary>Recipe file name.</summary>
    public const string ConfigName = "dataset.json";

    private readonly ImageFolderWriter _images;
    private readonly BitArray _done;
    private readonly List<ManifestRecord> _pending = [];

    private SyntheticDatasetWriter(string root, SyntheticRunConfig config)
    {
        Root = root;
        Config = config;
        _images = new ImageFolderWriter(root, config.ClassNames, config.Channels, config.ImageSize, config.Pixels);
        _done = new BitArray(Math.Max(0, config.Total));
    }

    /// <summary>The dataset folder.</summary>
    public string Root { get; }

    /// <summary>The recipe.</summary>
    public SyntheticRunConfig Config { get; }

    /// <summary>Images complete on disk and in the manifest, or waiting for the next <see cref="Flush"/>.</summary>
    public int Count { get; private set; }

    /// <summary>Whether an id is already complete.</summary>
    public bool IsComplete(long id) => id >= 0 && id < _done.Length && _done[(int)id];

    private string ManifestPath => Path.Combine(Root, ManifestName);

    /// <summary>
    /// Opens (creating if needed) a dataset folder for <paramref name="config"/>.
    /// </summary>
    /// <exception cref="ConfigException">The folder holds a dataset made with another recipe (the differing key is named).</exception>
    /// <exception cref="OutputException">The folder cannot be created or written.</exception>
    public static SyntheticDatasetWriter Open(string root, SyntheticRunConfig config)
    {
        string configPath = Path.Combine(root, ConfigName);
        bool replace = false;
        if (File.Exists(configPath))
        {
            var existing = SyntheticRunConfig.Load(configPath);
            // A run refused or killed before its first batch leaves only its recipe: that is no dataset to protect, and
            // keeping it would refuse the corrected rerun as "made with" the very value that was wrong.
            replace = !HoldsRecords(root);
            if (!replace && config.FirstDifference(existing) is var (key, mine, theirs))
                throw new ConfigException($"{configPath}: this folder was made with {key} = {theirs}, this run has {key} = {mine}; use another --out or delete the folder");
        }
        else if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            throw new ConfigException($"{root}: folder is not empty and holds no {ConfigName}; expected an empty or new --out folder");
        }
        OutputFolder.Prepare(root);
        foreach (var debris in Directory.GetFiles(root, "*" + AtomicFile.TempSuffix, SearchOption.AllDirectories))
            File.Delete(debris);
        var writer = new SyntheticDatasetWriter(root, config);
        if (replace || !File.Exists(configPath))
            AtomicFile.WriteAllText(configPath, config.ToJson() + "\n");
        writer.Recover();
        return writer;
    }

    // Whether the folder's manifest holds at least one whole line, i.e. some image was finished under its recipe.
    private static bool HoldsRecords(string root)
    {
        string manifest = Path.Combine(root, ManifestName);
        return File.Exists(manifest) && File.ReadLines(manifest).Any(l => l.Length > 0);
    }

    // Reads the manifest back, streaming. The usual case leaves it as it is; a torn last line (a kill mid-append), a record
    // whose PNG is gone or changed, a duplicate or an id out of range is dropped by rewriting the manifest without it, so
    // the run redoes that id.
    private void Recover()
    {
        if (!File.Exists(ManifestPath))
            return;
        bool clean = Scan(null);
        if (clean)
            return;
        _done.SetAll(false);
        Count = 0;
        string kept = ManifestPath + ".recover" + AtomicFile.TempSuffix;
        using (var output = new StreamWriter(kept, append: false, new UTF8Encoding(false)))
            Scan(output);
        File.Move(kept, ManifestPath, overwrite: true);
    }

    // Marks every valid record done (writing it to output when given); returns whether every line was valid.
    private bool Scan(StreamWriter? output)
    {
        bool clean = true;
        foreach (var (line, whole) in Lines())
        {
            ManifestRecord? r = null;
            try
            {
                r = line.Length == 0 ? null : JsonSerializer.Deserialize<ManifestRecord>(line);
            }
            catch (JsonException)
            {
                // redo that id
            }
            bool ok = r is not null && whole && r.FileIsInside && r.Id >= 0 && r.Id < _done.Length && !_done[(int)r.Id]
                      && File.Exists(Path.Combine(Root, r.File)) && Data.Sha256.OfFile(Path.Combine(Root, r.File)) == r.PngSha256;
            if (!ok)
            {
                clean &= line.Length == 0 && whole;
                continue;
            }
            _done[(int)r!.Id] = true;
            Count++;
            output?.Write(line);
            output?.Write('\n');
        }
        return clean;
    }

    // The manifest's lines, each with whether it ended in a newline: a last line without one was torn by a kill mid-append.
    private IEnumerable<(string Line, bool Whole)> Lines()
    {
        bool endsWithNewline;
        try
        {
            using var f = new FileStream(ManifestPath, FileMode.Open, FileAccess.Read);
            endsWithNewline = f.Length == 0 || (f.Seek(-1, SeekOrigin.End) >= 0 && f.ReadByte() == '\n');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException($"{ManifestPath}: cannot read manifest ({ex.Message})");
        }
        string? previous = null;
        foreach (var line in File.ReadLines(ManifestPath))
        {
            if (previous is not null)
                yield return (previous, true);
            previous = line;
        }
        if (previous is not null)
            yield return (previous, endsWithNewline);
    }

    /// <summary>Writes one image and records it (call <see cref="Flush"/> to append its record to the manifest).</summary>
    /// <exception cref="OutputException">The PNG cannot be written (e.g. the disk is full).</exception>
    public void Add(ManifestRecord template, ReadOnlySpan<float> image)
    {
        var png = PngEncoder.EncodeModelImage(image, Config.Channels, Config.ImageSize, Config.ImageSize, Config.Pixels);
        string path = _images.PathOf(template.Label, template.Id);
        OutputFolder.Create(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllBytes(path, png);
        _pending.Add(template with
        {
            File = Path.GetRelativePath(Root, path).Replace('\\', '/'),
            Class = Config.ClassNames[template.Label],
            PngSha256 = Data.Sha256.Hex(png),
        });
    }

    /// <summary>Appends the records added since the last flush, in id order, and fsyncs the manifest.</summary>
    /// <exception cref="OutputException">The manifest cannot be appended to (e.g. the disk is full); the ids are redone on resume.</exception>
    public void Flush()
    {
        if (_pending.Count == 0)
        {
            if (!File.Exists(ManifestPath))
                AtomicFile.WriteAllText(ManifestPath, "");
            return;
        }
        var sb = new StringBuilder();
        foreach (var r in _pending.OrderBy(r => r.Id))
            sb.Append(r.ToJsonLine()).Append('\n');
        long before = File.Exists(ManifestPath) ? new FileInfo(ManifestPath).Length : 0;
        try
        {
            using var f = new FileStream(ManifestPath, FileMode.Append, FileAccess.Write, FileShare.Read);
            f.Write(Encoding.UTF8.GetBytes(sb.ToString()));
            f.Flush(flushToDisk: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A half-appended batch would read as a torn line; cut it off now so the manifest holds only whole records.
            try
            {
                using var f = new FileStream(ManifestPath, FileMode.Open, FileAccess.Write);
                f.SetLength(before);
            }
            catch (Exception cut) when (cut is IOException or UnauthorizedAccessException)
            {
                // recovery on the next open repairs it
            }
            throw AtomicFile.Failure(ManifestPath, ex);
        }
        foreach (var r in _pending.Where(r => r.Id >= 0 && r.Id < _done.Length && !_done[(int)r.Id]))
        {
            _done[(int)r.Id] = true;
            Count++;
        }
        _pending.Clear();
    }

    /// <summary>Writes grid.png from the first <paramref name="perClass"/> images (lowest ids) of every class on disk.</summary>
    public string WriteGrid(int perClass)
    {
        int classes = Config.ClassNames.Count;
        var first = new SortedSet<long>[classes];
        var files = new Dictionary<long, string>();
        for (int c = 0; c < classes; c++)
            first[c] = [];
        foreach (var r in ManifestReader.Read(ManifestPath))
        {
            if (r.Label < 0 || r.Label >= classes)
                continue;
            var set = first[r.Label];
            set.Add(r.Id);
            files[r.Id] = r.File;
            if (set.Count > perClass)
            {
                files.Remove(set.Max);
                set.Remove(set.Max);
            }
        }
        var cells = new byte[]?[classes * perClass];
        for (int c = 0; c < classes; c++)
        {
            int k = 0;
            foreach (long id in first[c])
            {
                var (planar, w, h) = ImageFolderDataset.Decode(Path.Combine(Root, files[id]), Config.Channels);
                cells[c * perClass + k++] = ImageGrid.Interleave(planar, Config.Channels, w * h);
            }
        }
        return _images.WriteGrid("grid.png", cells, perClass);
    }
}
