using System.Text.Json.Nodes;
using OnnxDiffusion.Data;

namespace OnnxDiffusion.Cli.Tests.BadInput;

/// <summary>The scratch folder one bad-input case runs in: a copy of the tiny model, a tiny ImageFolder, and the output folder.</summary>
internal sealed class CaseFolder
{
    public CaseFolder()
    {
        Root = Directory.CreateTempSubdirectory("badinput").FullName;
        Model = Path.Combine(Root, "model");
        Directory.CreateDirectory(Model);
        foreach (var f in Directory.GetFiles(TestData.TinyModel))
            System.IO.File.Copy(f, Path.Combine(Model, Path.GetFileName(f)));
        Data = Path.Combine(Root, "data");
        var w = new ImageFolderWriter(Data, Enumerable.Range(0, 10).Select(c => $"c{c}").ToArray(), 1, 4);
        for (int c = 0; c < 10; c++)
            for (int i = 0; i < 3; i++)
                w.Write(c, c * 100 + i, Enumerable.Range(0, 16).Select(p => (float)Math.Sin(c + i + p)).ToArray());
        Out = Path.Combine(Root, "out");
    }

    public string Root { get; }

    public string Model { get; }

    public string Data { get; }

    public string Out { get; }

    public string File(string name, string text)
    {
        string path = Path.Combine(Root, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Edits one key of a JSON file of the model folder (null removes it).</summary>
    public void EditModel(string file, string key, JsonNode? value)
    {
        string path = Path.Combine(Model, file);
        var obj = JsonNode.Parse(System.IO.File.ReadAllText(path))!.AsObject();
        if (value is null)
            obj.Remove(key);
        else
            obj[key] = value;
        System.IO.File.WriteAllText(path, obj.ToJsonString());
    }

    /// <summary>Every file and folder under <see cref="Root"/>, to see that a failed run wrote nothing.</summary>
    public SortedSet<string> Listing() => new(Directory.GetFileSystemEntries(Root, "*", SearchOption.AllDirectories)
        .Select(p => Path.GetRelativePath(Root, p) + (Directory.Exists(p) ? "/" : $" {new FileInfo(p).Length}")), StringComparer.Ordinal);
}

/// <summary>One bad input: how to set it up, the command line, and what the one error line must name.</summary>
/// <param name="Name">Case name (the test's display name).</param>
/// <param name="Expected">Text the error line must contain (the culprit: option, file, key or value).</param>
/// <param name="Args">The command line, given the case's folder.</param>
/// <param name="Setup">Makes the bad input in the case's folder (may be a no-op).</param>
internal sealed record BadInputCase(string Name, string Expected, Func<CaseFolder, string[]> Args, Action<CaseFolder>? Setup = null)
{
    public override string ToString() => Name;
}
