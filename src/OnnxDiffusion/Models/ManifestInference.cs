using System.Globalization;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Models;

/// <summary>What the text side of a pipeline gives its U-Net: tokens per prompt and hidden size, with where each came from.</summary>
public sealed record TextContext(int Length, string LengthSource, int Hidden, string HiddenSource);

/// <summary>
/// Works out what <c>model.json</c> would say for a model that has none: input roles from the graph's names (and, for
/// names that say nothing, from shapes and element types), dtypes and the timestep's shape from the graph, channels
/// and size from the graph or <c>unet/config.json</c>, class conditioning from the class-label input and
/// num_class_embeds, the prediction type from the scheduler config, and the rest from <c>onnxdiffusion.json</c>.
/// Anything that cannot be decided is one error naming the input and the choices.
/// </summary>
public static class ManifestInference
{
    private const string Sample = "sample", Timestep = "timestep", ClassLabels = "class_labels", Text = "encoder_hidden_states";

    // Names exporters give each role (diffusers, Optimum, k-diffusion-style and hand-written exports), lower case.
    private static readonly Dictionary<string, string[]> Names = new()
    {
        [Sample] = ["sample", "x", "x_t", "xt", "noisy_sample", "noisy_latents", "latent", "latents", "latent_model_input", "input", "image", "images"],
        [Timestep] = ["timestep", "timesteps", "t", "time", "step", "steps"],
        [ClassLabels] = ["class_labels", "class_label", "labels", "label", "y", "class", "classes", "class_idx"],
        [Text] = ["encoder_hidden_states", "context", "text_embeds", "text_embeddings", "prompt_embeds"],
    };

    private static readonly string[] OutputNames = ["out_sample", "sample", "output", "noise_pred", "out", "eps", "prediction"];

    /// <summary>Infers the manifest.</summary>
    /// <param name="graph">The U-Net graph's signature.</param>
    /// <param name="onnx">The .onnx file relative to the folder (becomes <see cref="ModelManifest.Onnx"/>).</param>
    /// <param name="onnxPath">The .onnx path, for messages.</param>
    /// <param name="unet">unet/config.json, when the folder has one.</param>
    /// <param name="overrides">onnxdiffusion.json (empty when absent).</param>
    /// <param name="scheduler">The scheduler config (the prediction type).</param>
    /// <param name="text">
    /// For a U-Net inside a text-to-image pipeline: the prompt length and the hidden size its text encoder gives, which
    /// fill the text input's dynamic axes and must match its fixed ones. Null elsewhere: a text input is then refused.
    /// </param>
    /// <exception cref="ConfigException">An ambiguous or unsupported input, output, shape or value (named).</exception>
    public static ModelManifest Infer(GraphSignature graph, string onnx, string onnxPath, UNetConfig? unet, ModelOverrides overrides,
        SchedulerConfig scheduler, TextContext? text = null)
    {
        var roles = AssignRoles(graph, onnxPath, overrides);
        TextSpec? textSpec = null;
        if (roles.TryGetValue(Text, out var hidden))
        {
            if (text is null)
                throw new ConfigException(
                    $"{onnxPath}: input '{hidden.Name}' ({hidden}) conditions the model on text embeddings, but there is no text encoder: load the whole pipeline folder (model_index.json with tokenizer/ and text_encoder/), not the U-Net alone");
            textSpec = TextInput(onnxPath, hidden, unet, text);
        }
        else if (text is not null)
        {
            throw new ConfigException($"{onnxPath}: the pipeline has a text encoder, but the U-Net takes no text input (inputs: {List(graph.Inputs)})");
        }
        var sample = roles.TryGetValue(Sample, out var sm) ? sm
            : throw new ConfigException($"{onnxPath}: no input is the sample (inputs: {List(graph.Inputs)}); name it in {overrides.Source} \"inputs\": {{\"sample\": …}}");
        var timestep = roles.TryGetValue(Timestep, out var ts) ? ts
            : throw new ConfigException($"{onnxPath}: no input is the timestep (inputs: {List(graph.Inputs)}); name it in {overrides.Source} \"inputs\": {{\"timestep\": …}}");
        roles.TryGetValue(ClassLabels, out var labels);

        // The sample: [B, C, H, W], float, batch dynamic (or 1).
        if (sample.Rank != 4)
            throw new ConfigException($"{onnxPath}: input '{sample.Name}' (sample) is {sample}: expected rank 4 [B,C,H,W]");
        Require(onnxPath, sample, "sample", TensorDtypes.Sample);
        int? fixedBatch = sample.IsDynamic(0) ? null : sample.Dims[0];
        if (fixedBatch is int fb && fb != 1)
            throw new ConfigException($"{onnxPath}: input '{sample.Name}' has a fixed batch of {fb}: expected a dynamic batch axis (or 1); re-export with dynamic_axes");
        int channels = Geometry(onnxPath, sample, 1, unet?.InChannels, "in_channels", "channels");
        int height = Geometry(onnxPath, sample, 2, unet?.SampleSize, "sample_size", "height");
        int width = Geometry(onnxPath, sample, 3, unet?.SampleSize, "sample_size", "width");
        if (height != width)
            throw new ConfigException($"{onnxPath}: input '{sample.Name}' is {height}×{width}: only square images are supported");

        // The timestep: a scalar, [1] or [B].
        Require(onnxPath, timestep, "timestep", TensorDtypes.Timestep);
        string shape = timestep.Rank switch
        {
            0 => TensorShapes.Scalar,
            1 when timestep.Dims[0] == 1 && fixedBatch is null => TensorShapes.One,
            1 when timestep.IsDynamic(0) || timestep.Dims[0] == fixedBatch => TensorShapes.Batch,
            _ => throw new ConfigException(
                $"{onnxPath}: input '{timestep.Name}' (timestep) is {timestep}: expected a scalar [], [1] or one per sample [B]"),
        };

        // The output: one, or the one whose name says it.
        var output = PickOutput(graph, onnxPath, overrides);
        if (output.Rank != 4)
            throw new ConfigException($"{onnxPath}: output '{output.Name}' is {output}: expected [B,{channels},{height},{width}] like the sample");
        Require(onnxPath, output, "output", TensorDtypes.Sample);
        int outChannels = output.IsDynamic(1) ? unet?.OutChannels ?? channels : output.Dims[1];
        if (outChannels != channels)
            throw new ConfigException(
                $"{onnxPath}: output '{output.Name}' has {outChannels} channels but the sample {channels}" +
                (outChannels == 2 * channels ? ": a learned-variance model (ε and variance stacked) is not supported" : ": expected the same"));

        // Classes.
        int numClasses = 0;
        IReadOnlyList<string> names = [];
        bool namesGiven = true;
        int? nullClass = overrides.NullClass;
        if (labels is not null)
        {
            if (labels.Rank != 1 || !(labels.IsDynamic(0) || labels.Dims[0] == fixedBatch))
                throw new ConfigException($"{onnxPath}: input '{labels.Name}' (class_labels) is {labels}: expected one label per sample [B]");
            Require(onnxPath, labels, "class_labels", TensorDtypes.ClassLabels);
            (numClasses, names, namesGiven) = Classes(onnxPath, labels, unet, overrides);
            if (nullClass is int n)
            {
                if (n < numClasses)
                    throw new ConfigException($"{overrides.Source}: key 'null_class' = {n}: expected a label ≥ the {numClasses} real classes");
                if (unet?.NumClassEmbeds is int rows && n >= rows)
                    throw new ConfigException($"{overrides.Source}: key 'null_class' = {n}: the class embedding has {rows} rows ({unet.Source} num_class_embeds)");
            }
        }
        else
        {
            if (overrides.ClassNames is { Count: > 0 } || overrides.NumClasses is not null || overrides.NullClass is not null)
                throw new ConfigException($"{overrides.Source}: names classes or a null class, but {onnxPath} takes no class-label input (inputs: {List(graph.Inputs)})");
            if (unet?.NumClassEmbeds is int rows)
                throw new ConfigException($"{unet.Source}: num_class_embeds = {rows} but {onnxPath} takes no class-label input (inputs: {List(graph.Inputs)})");
        }

        var manifest = new ModelManifest
        {
            Format = "onnxdiffusion-model/1",
            Onnx = onnx,
            Inputs = new ModelInputs { Sample = sample.Name, Timestep = timestep.Name, ClassLabels = labels?.Name },
            Output = output.Name,
            ImageSize = height,
            Channels = channels,
            NumClasses = numClasses,
            ClassNames = names,
            ClassNamesGiven = namesGiven,
            NullClass = nullClass,
            PredictionType = SchedulerConfig.NameOf(scheduler.PredictionType),
            PixelRange = overrides.PixelRange ?? [-1.0, 1.0],
            TimestepDtype = timestep.Dtype,
            TimestepShape = shape,
            SampleDtype = sample.Dtype,
            OutputDtype = output.Dtype,
            ClassLabelsDtype = labels?.Dtype ?? "int64",
            FixedBatch = fixedBatch,
            // diffusers' StableDiffusionPipeline default: text models are used with guidance.
            DefaultGuidanceScale = overrides.DefaultGuidanceScale ?? (textSpec is null ? 1.0 : 7.5),
            DefaultSteps = overrides.DefaultSteps ?? 50,
            Text = textSpec,
        };
        manifest.Validate(overrides.Source);
        return manifest;
    }

    // Explicit roles from onnxdiffusion.json first; then names; then, for inputs whose names say nothing, shapes.
    private static Dictionary<string, TensorSignature> AssignRoles(GraphSignature graph, string onnxPath, ModelOverrides overrides)
    {
        var roles = new Dictionary<string, TensorSignature>();
        var left = graph.Inputs.ToList();
        foreach (var (role, name) in overrides.Inputs)
        {
            var input = left.FirstOrDefault(i => i.Name == name)
                        ?? throw new ConfigException($"{overrides.Source}: key 'inputs.{role}' = \"{name}\" is not an input of {onnxPath} (inputs: {List(graph.Inputs)})");
            roles[role] = input;
            left.Remove(input);
        }
        foreach (var (role, aliases) in Names)
        {
            if (roles.ContainsKey(role))
                continue;
            var byName = left.Where(i => aliases.Contains(i.Name.ToLowerInvariant())).ToList();
            if (byName.Count > 1)
                throw Ambiguous(onnxPath, overrides, role, byName);
            if (byName.Count == 1)
            {
                roles[role] = byName[0];
                left.Remove(byName[0]);
            }
        }
        foreach (var input in left.ToList())
        {
            var fits = Names.Keys.Where(role => !roles.ContainsKey(role) && Fits(role, input)).ToList();
            if (fits.Count != 1)
            {
                string why = fits.Count == 0
                    ? $"it fits none of the roles still open ({string.Join(", ", Names.Keys.Where(r => !roles.ContainsKey(r)).DefaultIfEmpty("none"))})"
                    : $"it could be the {string.Join(" or the ", fits)}";
                throw new ConfigException(
                    $"{onnxPath}: unknown input '{input.Name}' ({input}): {why}; name its role in {overrides.Source} \"inputs\" (roles: {string.Join(", ", ModelOverrides.Roles)}) or re-export without it");
            }
            var others = left.Where(o => o != input && Fits(fits[0], o)).ToList();
            if (others.Count > 0)
                throw Ambiguous(onnxPath, overrides, fits[0], [input, .. others]);
            roles[fits[0]] = input;
            left.Remove(input);
        }
        return roles;
    }

    // [B, L, D]: L and D from the graph where fixed (and then they must agree with the pipeline), else from the pipeline.
    private static TextSpec TextInput(string onnxPath, TensorSignature t, UNetConfig? unet, TextContext text)
    {
        if (t.Rank != 3)
            throw new ConfigException($"{onnxPath}: input '{t.Name}' (encoder_hidden_states) is {t}: expected [B, tokens, hidden]");
        Require(onnxPath, t, "encoder_hidden_states", TensorDtypes.Sample);
        int length = t.IsDynamic(1) ? text.Length : t.Dims[1];
        if (length != text.Length)
            throw new ConfigException($"{onnxPath}: input '{t.Name}' takes {length} tokens per prompt but the tokenizer pads to {text.Length} ({text.LengthSource})");
        int hidden = t.IsDynamic(2) ? unet?.CrossAttentionDim ?? text.Hidden : t.Dims[2];
        if (unet?.CrossAttentionDim is int cross && cross != hidden)
            throw new ConfigException($"{onnxPath}: input '{t.Name}' has hidden size {hidden} but {unet.Source} says cross_attention_dim = {cross}");
        if (hidden != text.Hidden)
            throw new ConfigException(
                $"{text.HiddenSource}: the text encoder's hidden size is {text.Hidden} but the U-Net's '{t.Name}' takes {hidden} ({onnxPath}): the text encoder belongs to another model");
        return new TextSpec(t.Name, length, hidden, t.Dtype);
    }

    private static bool Fits(string role, TensorSignature t) => role switch
    {
        Sample => t.IsFloat && t.Rank == 4,
        Timestep => (t.IsFloat || t.IsInteger) && t.Rank <= 1,
        ClassLabels => t.IsInteger && t.Rank == 1,
        Text => t.IsFloat && t.Rank == 3,
        _ => false,
    };

    private static ConfigException Ambiguous(string onnxPath, ModelOverrides overrides, string role, IReadOnlyList<TensorSignature> inputs) =>
        new($"{onnxPath}: inputs {string.Join(" and ", inputs.Select(i => $"'{i.Name}' ({i})"))} could each be the {role}; " +
            $"say which in {overrides.Source}: \"inputs\": {{\"{role}\": \"{inputs[0].Name}\"}}");

    private static TensorSignature PickOutput(GraphSignature graph, string onnxPath, ModelOverrides overrides)
    {
        if (overrides.Output is string wanted)
            return graph.Outputs.FirstOrDefault(o => o.Name == wanted)
                   ?? throw new ConfigException($"{overrides.Source}: key 'output' = \"{wanted}\" is not an output of {onnxPath} (outputs: {List(graph.Outputs)})");
        if (graph.Outputs.Count == 1)
            return graph.Outputs[0];
        var named = graph.Outputs.Where(o => OutputNames.Contains(o.Name.ToLowerInvariant())).ToList();
        if (named.Count == 1)
            return named[0];
        throw new ConfigException(
            $"{onnxPath}: {graph.Outputs.Count} outputs ({List(graph.Outputs)}): which one is the prediction? name it in {overrides.Source}: \"output\": \"{graph.Outputs[0].Name}\"");
    }

    private static (int Count, IReadOnlyList<string> Names, bool Given) Classes(string onnxPath, TensorSignature labels, UNetConfig? unet,
        ModelOverrides overrides)
    {
        int? rows = unet?.NumClassEmbeds;
        if (overrides.ClassNames is { Count: > 0 } given)
        {
            if (rows is int r && given.Count > r)
                throw new ConfigException($"{overrides.Source}: key 'class_names' lists {given.Count} classes but the class embedding has {r} rows ({unet!.Source} num_class_embeds)");
            return (given.Count, given, true);
        }
        int? count = overrides.NumClasses
                     ?? (rows is int n ? overrides.NullClass == n - 1 ? n - 1 : n : null);
        if (count is not int k)
            throw new ConfigException(
                $"{onnxPath}: input '{labels.Name}' makes the model class-conditional but nothing says how many classes: give num_class_embeds in unet/config.json, or class_names (or num_classes) in {overrides.Source}");
        if (rows is int rr && k > rr)
            throw new ConfigException($"{overrides.Source}: key 'num_classes' = {k} but the class embedding has {rr} rows ({unet!.Source} num_class_embeds)");
        return (k, Enumerable.Range(0, k).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray(), false);
    }

    private static int Geometry(string onnxPath, TensorSignature sample, int axis, int? configured, string configKey, string what)
    {
        if (!sample.IsDynamic(axis))
        {
            if (configured is int c && c != sample.Dims[axis])
                throw new ConfigException($"{onnxPath}: input '{sample.Name}' has {what} {sample.Dims[axis]} but unet/config.json says {configKey} = {c}");
            return sample.Dims[axis];
        }
        return configured ?? throw new ConfigException(
            $"{onnxPath}: input '{sample.Name}' ({sample}) has a dynamic {what} and there is no unet/config.json {configKey} to fix it");
    }

    private static void Require(string onnxPath, TensorSignature t, string role, IReadOnlyList<string> dtypes)
    {
        if (!dtypes.Contains(t.Dtype))
            throw new ConfigException($"{onnxPath}: {(role == "output" ? "output" : "input")} '{t.Name}' ({role}) is {t.Dtype}: expected {string.Join(" or ", dtypes)}");
    }

    private static string List(IReadOnlyList<TensorSignature> tensors) => string.Join(", ", tensors.Select(t => $"{t.Name} {t}"));
}
