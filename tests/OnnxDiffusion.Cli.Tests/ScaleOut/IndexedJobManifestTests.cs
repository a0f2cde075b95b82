using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace OnnxDiffusion.Cli.Tests.ScaleOut;

/// <summary>
/// The Kubernetes Indexed Job example, checked mechanically (no cluster can run here): an Indexed array Job whose pods
/// each run shard JOB_COMPLETION_INDEX/N into their own folder, and a merge Job that waits for it and merges all N.
/// </summary>
public class IndexedJobManifestTests
{
    private static readonly string PathOf = Path.Combine(TestData.Root, "src", "OnnxDiffusion.Cli", "scale-out", "indexed-job.yaml");

    private static List<YamlMappingNode> Documents()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(PathOf);
        stream.Load(reader);
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static YamlNode At(YamlNode node, params string[] path)
    {
        foreach (var key in path)
            node = key.StartsWith('#') ? ((YamlSequenceNode)node)[int.Parse(key[1..])] : ((YamlMappingNode)node)[key];
        return node;
    }

    private static string Text(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    [Fact]
    public void TheArrayJobIsIndexedAndEachPodRunsItsShard()
    {
        var array = Documents().Single(d => Text(d, "metadata", "name") == "onnxdiffusion-reconstruct");
        Assert.Equal("Job", Text(array, "kind"));
        Assert.Equal("Indexed", Text(array, "spec", "completionMode"));
        int n = int.Parse(Text(array, "spec", "completions"));
        Assert.Equal(n, int.Parse(Text(array, "spec", "parallelism")));
        string command = Text(array, "spec", "template", "spec", "containers", "#0", "args", "#0");
        Assert.Contains($"--shard ${{JOB_COMPLETION_INDEX}}/{n}", command);
        Assert.Contains("--out /data/out/s0.6-shard-${JOB_COMPLETION_INDEX}", command);
    }

    [Fact]
    public void TheMergeJobWaitsForTheArrayAndMergesEveryShard()
    {
        var docs = Documents();
        var array = docs.Single(d => Text(d, "metadata", "name") == "onnxdiffusion-reconstruct");
        int n = int.Parse(Text(array, "spec", "completions"));
        var merge = docs.Single(d => Text(d, "metadata", "name") == "onnxdiffusion-merge");
        var wait = (YamlSequenceNode)At(merge, "spec", "template", "spec", "initContainers", "#0", "command");
        Assert.Equal(["kubectl", "wait", "--for=condition=complete", "--timeout=24h", "job/onnxdiffusion-reconstruct"],
            wait.Children.Select(c => ((YamlScalarNode)c).Value!));
        string command = Text(merge, "spec", "template", "spec", "containers", "#0", "args", "#0");
        Assert.StartsWith("onnxdiffusion merge --out /data/out/s0.6 ", command);
        var shards = Regex.Matches(command, @"/data/out/s0\.6-shard-(\d+)").Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(Enumerable.Range(0, n), shards);
        Assert.Equal(Text(array, "spec", "template", "spec", "volumes", "#0", "persistentVolumeClaim", "claimName"),
            Text(merge, "spec", "template", "spec", "volumes", "#0", "persistentVolumeClaim", "claimName"));
    }
}
