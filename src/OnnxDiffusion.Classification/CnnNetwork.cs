using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OnnxDiffusion.Classification;

/// <summary>
/// The cnn kind's network (see <see cref="CnnOptions"/>) and its training loop, on TorchSharp. Deterministic for a
/// given data order, seed and thread count: the initial weights come from libtorch's global generator seeded under
/// <see cref="TorchRuntime.Global"/>, and every later draw (shuffles, flips) from a generator of the trainer's own.
/// </summary>
internal sealed class CnnNetwork : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> _blocks = new();
    private readonly Linear _hidden;
    private readonly Linear _output;

    private CnnNetwork(ImageShape shape, int classes, CnnOptions options) : base("cnn")
    {
        int c = shape.Channels, h = shape.Height, w = shape.Width;
        foreach (int width in options.Widths)
        {
            var layers = new List<nn.Module<Tensor, Tensor>> { nn.Conv2d(c, width, 3, padding: 1) };
            if (options.BatchNorm)
                layers.Add(nn.BatchNorm2d(width));
            layers.Add(nn.ReLU());
            layers.Add(nn.MaxPool2d(2));
            _blocks.Add(nn.Sequential(layers));
            (c, h, w) = (width, h / 2, w / 2);
        }
        _hidden = nn.Linear(c * h * w, options.Hidden);
        _output = nn.Linear(options.Hidden, classes);
        RegisterComponents();
    }

    /// <summary>Class scores (logits) of a batch [N, C, H, W].</summary>
    public override Tensor forward(Tensor x)
    {
        foreach (var block in _blocks)
            x = block.call(x);
        return _output.call(nn.functional.relu(_hidden.call(x.flatten(1))));
    }

    /// <summary>Trains a network on <paramref name="images"/> [N·C·H·W, scaled] with 0-based <paramref name="labels"/>.</summary>
    public static CnnNetwork Train(float[] images, long[] labels, ImageShape shape, int classes, CnnOptions options, int seed, int threads)
    {
        TorchRuntime.EnsureLoaded();
        CnnNetwork net;
        lock (TorchRuntime.Global)
        {
            torch.set_num_threads(threads);
            torch.manual_seed(seed);
            net = new CnnNetwork(shape, classes, options);
        }
        int n = labels.Length;
        using var x = torch.tensor(images, [n, shape.Channels, shape.Height, shape.Width]);
        using var y = torch.tensor(labels);
        using var generator = new Generator((ulong)(uint)seed);
        var parameters = net.parameters().ToArray();
        using var optimizer = torch.optim.Adam(parameters, options.LearningRate);
        int perEpoch = (n + options.Batch - 1) / options.Batch;
        long total = (long)perEpoch * options.Epochs, step = 0;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            net.train();
            using var order = torch.randperm(n, generator: generator);
            using var flips = torch.rand(n, generator: generator).lt(0.5);
            for (int b = 0; b < perEpoch; b++)
            {
                using var scope = torch.NewDisposeScope();
                var index = order.narrow(0, b * options.Batch, Math.Min(options.Batch, n - b * options.Batch));
                var batch = x.index_select(0, index);
                if (options.Flip)
                    batch = torch.where(flips.index_select(0, index).view(-1, 1, 1, 1), batch.flip(3), batch);
                foreach (var group in optimizer.ParamGroups)
                    group.LearningRate = options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step / total));
                var loss = nn.functional.cross_entropy(net.call(batch), y.index_select(0, index));
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                step++;
            }
        }
        net.eval();
        return net;
    }

    /// <summary>
    /// Images scored at once: libtorch's buffers for larger batches cost far more than the batching saves (batch 1,000
    /// scored 10× slower than batches of 256).
    /// </summary>
    public const int ScoringBatch = 256;

    /// <summary>Softmax class probabilities [count·K] of the first <paramref name="count"/> images of <paramref name="images"/> [·C·H·W, scaled].</summary>
    public float[] Probabilities(float[] images, int count, ImageShape shape, int classes, int threads)
    {
        lock (TorchRuntime.Global)
            torch.set_num_threads(threads);
        int plane = shape.Channels * shape.Height * shape.Width;
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var batch = torch.tensor(images.AsSpan(0, count * plane).ToArray(), [count, shape.Channels, shape.Height, shape.Width]);
        return nn.functional.softmax(call(batch), 1).contiguous().data<float>().ToArray();
    }
}
