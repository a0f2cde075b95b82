using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OnnxDiffusion.Data;
using OnnxDiffusion.Imaging;

namespace OnnxDiffusion.Synthesis;

/// <summary>
/// Writes a synthetic dataset: ImageFolder PNGs, <c>manifest.jsonl</c> (one record per image, sorted by id) and
/// <c>dataset.json</c> (the recipe). Every file goes through a temporary name and a rename. Opening a folder that
/// already holds a dataset checks that its recipe is the same and treats every id whose PNG exists with the
/// recorded hash as done, so an interrupted run resumes where it stopped and ends byte-identical to an
/// uninterrupted one.
/// </summary>
public sealed class SyntheticDatasetWriter
{
    /// <summary>Manifest file name.</summary>
    public const string ManifestName = "manifest.jsonl";

    /// <summary>Recipe file name.</summary>
    public const string ConfigName = "dataset.json";

    private readonly SortedDictionary<long, ManifestRecord> _records = new();
    private readonly ImageFolderWriter _images;

    private SyntheticDatasetWriter(string root, SyntheticRunConfig config)
    {
        Root = root;
        Config = config;
        _images = new ImageFolderWriter(root, config.ClassNames, config.Channels, config.ImageSize);
    }

    /// <summary>The dataset folder.</summary>
    public string Root { get; }

    /// <summary>The recipe.</summary>
    public SyntheticRunConfig Config { get; }

    /// <summary>Records written so far (including those found complete on open).</summary>
    public IReadOnlyCollection<ManifestRecord> Records => _records.Values;

    /// <summary>Whether an id is already complete.</summary>
    public bool IsComplete(long id) => _records.ContainsKey(id);

    /// <summary>
    /// Opens (creating if needed) a dataset folder for <paramref name="config"/>.
    /// </summary>
    /// <exception cref="ConfigException">The folder holds a dataset made with another recipe (the differing key is named).</exception>
    public static SyntheticDatasetWriter Open(string root, SyntheticRunConfig config)
    {
        string configPath = Path.Combine(root, ConfigName);
        if (File.Exists(configPath))
        {
            var existing = SyntheticRunConfig.Load(configPath);
            if (config.FirstDifference(existing) is var (key, mine, theirs))
                throw new ConfigException($"{configPath}: this folder was made with {key} = {theirs}, this run has {key} = {mine}; use another --out or delete the folder");
        }
        else if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            throw new ConfigException($"{root}: folder is not empty and holds no {ConfigName}; expected an empty or new --out folder");
        }
        Directory.CreateDirectory(root);
        foreach (var debris in Directory.GetFiles(root, "*" + AtomicFile.TempSuffix, SearchOption.AllDirectories))
            File.Delete(debris);
        var writer = new SyntheticDatasetWriter(root, config);
        if (!File.Exists(configPath))
            AtomicFile.WriteAllText(configPath, config.ToJson() + "\n");
        writer.LoadCompleteRecords();
        return writer;
    }

    private void LoadCompleteRecords()
    {
        string path = Path.Combine(Root, ManifestName);
        if (!File.Exists(path))
            return;
        foreach (var r in ManifestReader.Read(path, skipInvalid: true))
        {
            string png = Path.Combine(Root, r.File);
            if (File.Exists(png) && Sha256(File.ReadAllBytes(png)) == r.PngSha256)
                _records[r.Id] = r;
        }
    }

    /// <summary>Writes one image and records it (call <see cref="Flush"/> to persist the manifest).</summary>
    public void Add(ManifestRecord template, ReadOnlySpan<float> image)
    {
        var png = PngEncoder.EncodeModelImage(image, Config.Channels, Config.ImageSize, Config.ImageSize);
        string path = _images.PathOf(template.Label, template.Id);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllBytes(path, png);
        _records[template.Id] = template with
        {
            File = Path.GetRelativePath(Root, path).Replace('\\', '/'),
            Class = Config.ClassNames[template.Label],
            PngSha256 = Sha256(png),
        };
    }

    /// <summary>Rewrites manifest.jsonl (sorted by id) atomically.</summary>
    public void Flush()
    {
        var sb = new StringBuilder();
        foreach (var r in _records.Values)
            sb.Append(JsonSerializer.Serialize(r)).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(Root, ManifestName), sb.ToString());
    }

    /// <summary>Writes grid.png from the first <paramref name="perClass"/> images of every class on disk.</summary>
    public string WriteGrid(int perClass)
    {
        int classes = Config.ClassNames.Count;
        var cells = new byte[]?[classes * perClass];
        foreach (var g in _records.Values.GroupBy(r => r.Label))
        {
            int k = 0;
            foreach (var r in g.OrderBy(r => r.Id).Take(perClass))
            {
                var (planar, w, h) = ImageFolderDataset.Decode(Path.Combine(Root, r.File), Config.Channels);
                cells[g.Key * perClass + k++] = ImageGrid.Interleave(planar, Config.Channels, w * h);
            }
        }
        return _images.WriteGrid("grid.png", cells, perClass);
    }

    /// <summary>Lower-case hex sha256.</summary>
    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
