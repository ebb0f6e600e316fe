// The JSON files of the tiny model directory: config, preprocessor config and a WordPiece tokenizer
// that @huggingface/tokenizers (as used by transformers.js) loads.
import {
  CLIP_MEAN,
  CLIP_STD,
  SIGLIP_MEAN,
  SIGLIP_STD,
  SPECIAL_TOKENS,
  TINY_CLIP_LOGIT_SCALE,
  TINY_EMBED_DIM,
  TINY_IMAGE_SIZE,
  TINY_MAX_LENGTH,
  TINY_SIGLIP_BIAS,
  TINY_SIGLIP_SCALE,
  type TinyKind,
  tinyVocab,
} from './tinyModelSpec';

const NOTE = 'Tiny generated test model (image-triage devmodels): colour prototypes, not a real checkpoint.';

export function tinyConfig(kind: TinyKind): object {
  const vocabSize = tinyVocab().size;
  const k = TINY_EMBED_DIM;
  const maxLen = TINY_MAX_LENGTH[kind];
  if (kind === 'clip') {
    return {
      _comment: NOTE,
      architectures: ['CLIPModel'],
      model_type: 'clip',
      projection_dim: k,
      logit_scale_init_value: Math.log(TINY_CLIP_LOGIT_SCALE),
      text_config: {
        model_type: 'clip_text_model',
        vocab_size: vocabSize,
        hidden_size: k,
        projection_dim: k,
        max_position_embeddings: maxLen,
        num_hidden_layers: 0,
        pad_token_id: 0,
        bos_token_id: 2,
        eos_token_id: 3,
      },
      vision_config: {
        model_type: 'clip_vision_model',
        hidden_size: k,
        projection_dim: k,
        image_size: TINY_IMAGE_SIZE,
        patch_size: TINY_IMAGE_SIZE,
        num_channels: 3,
        num_hidden_layers: 0,
      },
    };
  }
  return {
    _comment: NOTE,
    architectures: ['SiglipModel'],
    model_type: 'siglip',
    logit_scale: Math.log(TINY_SIGLIP_SCALE),
    logit_bias: TINY_SIGLIP_BIAS,
    text_config: {
      model_type: 'siglip_text_model',
      vocab_size: vocabSize,
      hidden_size: k,
      max_position_embeddings: maxLen,
      num_hidden_layers: 0,
      pad_token_id: 0,
      eos_token_id: 3,
    },
    vision_config: {
      model_type: 'siglip_vision_model',
      hidden_size: k,
      image_size: TINY_IMAGE_SIZE,
      patch_size: TINY_IMAGE_SIZE,
      num_channels: 3,
      num_hidden_layers: 0,
    },
  };
}

export function tinyPreprocessorConfig(kind: TinyKind): object {
  const common = { do_convert_rgb: true, do_rescale: true, rescale_factor: 1 / 255, do_normalize: true, do_resize: true, resample: 3 };
  if (kind === 'clip') {
    return {
      ...common,
      image_processor_type: 'CLIPImageProcessor',
      feature_extractor_type: 'CLIPFeatureExtractor',
      size: { shortest_edge: TINY_IMAGE_SIZE },
      do_center_crop: true,
      crop_size: { height: TINY_IMAGE_SIZE, width: TINY_IMAGE_SIZE },
      image_mean: CLIP_MEAN,
      image_std: CLIP_STD,
    };
  }
  return {
    ...common,
    image_processor_type: 'SiglipImageProcessor',
    size: { height: TINY_IMAGE_SIZE, width: TINY_IMAGE_SIZE },
    image_mean: SIGLIP_MEAN,
    image_std: SIGLIP_STD,
  };
}

/** tokenizer.json: lowercase BERT normaliser, BertPreTokenizer, WordPiece, TemplateProcessing. */
export function tinyTokenizerJson(kind: TinyKind): object {
  const vocab = tinyVocab();
  const special = (t: string) => ({ SpecialToken: { id: t, type_id: 0 } });
  const seq = (id: 'A' | 'B') => ({ Sequence: { id, type_id: 0 } });
  // CLIP wraps text in start/end tokens; SigLIP only appends the end token.
  const single = kind === 'clip' ? [special('[CLS]'), seq('A'), special('[SEP]')] : [seq('A'), special('[SEP]')];
  const pair = [...single, seq('B'), special('[SEP]')];
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((t) => ({
      id: vocab.get(t),
      content: t,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single,
      pair,
      special_tokens: Object.fromEntries(
        ['[CLS]', '[SEP]'].map((t) => [t, { id: t, ids: [vocab.get(t)], tokens: [t] }]),
      ),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab),
    },
  };
}

export function tinyTokenizerConfig(kind: TinyKind): object {
  return {
    tokenizer_class: kind === 'clip' ? 'CLIPTokenizer' : 'SiglipTokenizer',
    model_max_length: TINY_MAX_LENGTH[kind],
    do_lower_case: true,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    ...(kind === 'clip' ? { bos_token: '[CLS]' } : {}),
    eos_token: '[SEP]',
    padding_side: 'right',
    clean_up_tokenization_spaces: true,
  };
}
