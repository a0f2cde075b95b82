
namespace OnnxDiffusion.Models;

/// <summary>
/// Checks an opened session against the model's description at load, so that a wrong model.json (or a graph that
/// changed under it) fails with the name, role and type at fault rather than inside ONNX Runtime mid-run.
/// </summary>
internal static class SessionCheck
{
    /// <summary>Throws unless <paramref name="graph"/> has exactly the inputs <paramref name="feeds"/> feed and the output.</summary>
    /// <param name="graph">The session's signature.</param>
    /// <param name="feeds">The inputs the description gives, in its order.</param>
    /// <param name="output">The description's output.</param>
    /// <param name="manifestPath">Where the description came from, for messages.</param>
    /// <param name="onnxPath">The .onnx file, for messages.</param>
    /// <exception cref="OnnxDiffusionException">An input or output is missing or has another type or shape, naming it.</exception>
    public static void Validate(GraphSignature graph, IReadOnlyList<InputFeed> feeds, ModelOutput output, string manifestPath, string onnxPath)
    {
        string have = string.Join(", ", graph.Inputs.Select(i => $"{i.Name} {i}"));
        var declared = new TensorSignature[feeds.Count];
        for (int k = 0; k < feeds.Count; k++)
        {
            var feed = feeds[k];
            var input = graph.Inputs.FirstOrDefault(i => i.Name == feed.Name)
                        ?? throw new OnnxDiffusionException($"{manifestPath}: input '{feed.Name}' ({feed.Role}) is not an input of {onnxPath} (it has: {have})");
            if (input.Dtype != feed.Dtype)
                throw new OnnxDiffusionException($"{manifestPath}: input '{feed.Name}' ({feed.Role}) of {onnxPath} is {input.Dtype}, expected {feed.Dtype}");
            declared[k] = input;
        }
        if (graph.Inputs.Count != feeds.Count)
            throw new OnnxDiffusionException($"{manifestPath}: {onnxPath} has {graph.Inputs.Count} inputs ({have}), the description has {feeds.Count}");
        for (int k = 0; k < feeds.Count; k++)
            feeds[k].CheckGraph(declared[k], manifestPath, onnxPath);

        var result = graph.Outputs.FirstOrDefault(o => o.Name == output.Name)
                     ?? throw new OnnxDiffusionException($"{manifestPath}: output '{output.Name}' is not an output of {onnxPath} (it has: {string.Join(", ", graph.Outputs.Select(o => o.Name))})");
        if (result.Dtype != output.Dtype)
            throw new OnnxDiffusionException($"{manifestPath}: output '{output.Name}' of {onnxPath} is {result.Dtype}, expected {output.Dtype}");
    }
}
