{
  title: 'Bridge',

  # Recipes publish events to Bridge topics and are triggered by the events Bridge delivers.
  connection: {
    fields: [
      {
        name: 'base_url', label: 'Bridge URL', optional: false,
        hint: 'Where Bridge listens, e.g. <b>https://bridge.example.com</b>.'
      },
      {
        name: 'api_key', label: 'API key', optional: false, control_type: 'password',
        hint: 'A Bridge key (brk_…) with <b>publish:*</b> and <b>subscribe:*</b> (or per topic); ' \
              '<b>admin</b> as well to replay dead letters.'
      }
    ],

    authorization: {
      type: 'custom_auth',

      apply: lambda do |connection|
        headers('Authorization' => "Bearer #{connection['api_key']}")
      end
    },

    base_uri: lambda do |connection|
      "#{connection['base_url'].to_s.strip.gsub(%r{/+\z}, '')}/"
    end
  },

  test: lambda do |_connection|
    get('api/topics')
      .after_error_response(/.*/) do |code, body, _headers, message|
        error(call('problem_message', code, body, message))
      end
  end,

  object_definitions: {
    event_data: {
      fields: lambda do |_connection, config_fields|
        schema = call('latest_schema', config_fields['event_type'])
        if schema.present? && schema['properties'].present?
          [{ name: 'data', label: 'Data', type: 'object', optional: false, properties: call('schema_fields', schema) }]
        else
          [{ name: 'data_json', label: 'Data (JSON)', control_type: 'text-area', optional: false,
             hint: 'The event data as JSON. Register a contract for this event type in Bridge to get a form instead.' }]
        end
      end
    },

    event_options: {
      fields: lambda do |_connection, _config_fields|
        [
          { name: 'subject', optional: true, sticky: true, hint: 'What the event is about, e.g. orders/12345.' },
          { name: 'id', label: 'Event ID', optional: true, hint: 'Your own id; Bridge generates one when empty. Receivers deduplicate on it.' },
          { name: 'ordering_key', optional: true, hint: 'Events with the same key are delivered in order.' },
          { name: 'correlation_id', optional: true, hint: 'Ties the event to a business transaction in Bridge\'s audit trail.' },
          { name: 'idempotency_key', optional: true, hint: 'A retry with the same key and data publishes nothing twice.' }
        ]
      end
    },

    publish_result: {
      fields: lambda do |_connection, _config_fields|
        [{ name: 'topic' }, { name: 'messageId', label: 'Message ID' }, { name: 'correlationId', label: 'Correlation ID' }]
      end
    },

    event: {
      fields: lambda do |_connection, _config_fields|
        [
          { name: 'id', label: 'Event ID' }, { name: 'type', label: 'Event type' }, { name: 'source' },
          { name: 'subject' }, { name: 'time', type: 'date_time' }, { name: 'correlation_id' },
          { name: 'data', type: 'object', properties: [] },
          { name: 'data_base64', label: 'Data (base64)', hint: 'Data that is not JSON (e.g. a file a broker source read), base64-encoded.' },
          { name: 'data_content_type', label: 'Data content type' }
        ]
      end
    }
  },

  actions: {
    publish_event: {
      title: 'Publish event',
      subtitle: 'Publish an event to a Bridge topic',
      description: lambda do |_input, picklist_label|
        "Publish <span class='provider'>#{picklist_label['event_type'] || 'event'}</span> to " \
          "<span class='provider'>Bridge</span>"
      end,
      help: 'Bridge checks the data against the contract of its event type and answers once the event is stored.',

      config_fields: [
        { name: 'topic', control_type: 'select', pick_list: 'topics', optional: false,
          toggle_hint: 'Select', toggle_field: { name: 'topic', type: 'string', control_type: 'text', toggle_hint: 'Enter topic' } },
        { name: 'event_type', control_type: 'select', pick_list: 'event_types', optional: false,
          toggle_hint: 'Select', toggle_field: { name: 'event_type', type: 'string', control_type: 'text', toggle_hint: 'Enter type' } }
      ],

      input_fields: lambda do |object_definitions|
        object_definitions['event_data'].concat(object_definitions['event_options'])
      end,

      execute: lambda do |_connection, input|
        # The body goes in post(path, body): .payload merges into a Hash, so data that is a JSON array would fail there.
        post("api/topics/#{input['topic'].to_s.encode_url}/events", call('event_data', input))
          .headers(call('event_headers', input))
          .request_format_json
          .after_error_response(/.*/) do |code, body, _headers, message|
            error(call('problem_message', code, body, message))
          end
      end,

      output_fields: lambda do |object_definitions|
        object_definitions['publish_result']
      end,

      sample_output: lambda do |_connection, input|
        { 'topic' => input['topic'], 'messageId' => '0f8e1c2d3b4a59687766554433221100', 'correlationId' => '4bf92f3577b34da6a3ce929d0e0e4736' }
      end
    },

    publish_batch: {
      title: 'Publish events (batch)',
      subtitle: 'Publish several events to a Bridge topic at once',
      description: "Publish <span class='provider'>events</span> to <span class='provider'>Bridge</span> in one batch",

      input_fields: lambda do |_object_definitions|
        [
          { name: 'topic', control_type: 'select', pick_list: 'topics', optional: false },
          { name: 'events', type: 'array', of: 'object', optional: false, list_mode_toggle: true, properties: [
            { name: 'event_type', optional: false }, { name: 'subject' }, { name: 'ordering_key' },
            { name: 'data_json', label: 'Data (JSON)', control_type: 'text-area', optional: false }
          ] },
          { name: 'correlation_id', optional: true }, { name: 'idempotency_key', optional: true }
        ]
      end,

      execute: lambda do |_connection, input|
        events = (input['events'] || []).map do |event|
          { 'type' => event['event_type'], 'subject' => event['subject'].presence, 'orderingKey' => event['ordering_key'].presence,
            'data' => call('parse_data', event['data_json']) }.compact
        end
        post("api/topics/#{input['topic'].to_s.encode_url}/events/batch", events)
          .headers(call('event_headers', input.except('event_type')))
          .request_format_json
          .after_error_response(/.*/) do |code, body, _headers, message|
            error(call('problem_message', code, body, message))
          end
      end,

      output_fields: lambda do |_object_definitions|
        [{ name: 'topic' }, { name: 'correlationId', label: 'Correlation ID' },
         { name: 'messageIds', label: 'Message IDs', type: 'array', of: 'string' }]
      end
    },

    replay_dead_letter: {
      title: 'Replay dead letter',
      subtitle: 'Send a dead-lettered event back to its subscription',
      description: "Replay <span class='provider'>dead letter</span> in <span class='provider'>Bridge</span>",
      help: 'Needs a key with the admin scope.',

      input_fields: lambda do |_object_definitions|
        [
          { name: 'topic', control_type: 'select', pick_list: 'topics', optional: false },
          { name: 'subscription', optional: false },
          { name: 'message_id', label: 'Message ID', optional: false }
        ]
      end,

      execute: lambda do |_connection, input|
        path = "api/topics/#{input['topic'].to_s.encode_url}/subscriptions/#{input['subscription'].to_s.encode_url}" \
               "/dead-letters/#{input['message_id'].to_s.encode_url}/replay"
        post(path)
          .after_error_response(/.*/) do |code, body, _headers, message|
            error(call('problem_message', code, body, message))
          end
      end,

      output_fields: lambda do |_object_definitions|
        [{ name: 'replayed', type: 'integer' }, { name: 'messageIds', label: 'Message IDs', type: 'array', of: 'string' }]
      end
    }
  },

  triggers: {
    new_event: {
      title: 'New event on topic',
      subtitle: 'Triggers in real time when Bridge delivers an event of a topic',
      description: "New <span class='provider'>event</span> in <span class='provider'>Bridge</span>",
      help: 'Starting the recipe creates a Bridge subscription to this recipe; stopping it deletes the subscription. ' \
            'Every delivery is checked against the subscription\'s signing secret.',

      input_fields: lambda do |_object_definitions|
        [
          { name: 'topic', control_type: 'select', pick_list: 'topics', optional: false },
          { name: 'event_types', label: 'Event types', optional: true, sticky: true,
            hint: 'Comma-separated event types to receive, e.g. order.created,order.cancelled. Empty: every event of the topic.' },
          { name: 'format', label: 'Delivery format', control_type: 'select', pick_list: 'formats', optional: true, sticky: true,
            hint: 'How Bridge sends each event to this recipe: the whole CloudEvent as JSON (default), the CloudEvents binary ' \
                  'binding (data as the body, attributes as ce- headers) or the data only (attributes as X-Event headers). ' \
                  'The trigger gives the same fields whichever you choose.' }
        ]
      end,

      webhook_payload_type: 'raw',

      webhook_subscribe: lambda do |webhook_url, _connection, input, recipe_id|
        types = input['event_types'].to_s.split(',').map(&:strip).reject(&:blank?)
        name = "workato-#{recipe_id.to_s.downcase.gsub(/[^a-z0-9]/, '')[0, 24]}-#{Time.now.to_i.to_s(36)}"
        body = { name: name, url: webhook_url, description: "Workato recipe #{recipe_id}", filter: { types: types } }
        body[:format] = input['format'] if input['format'].present?
        created = post("api/topics/#{input['topic'].to_s.encode_url}/subscriptions", body)
                  .request_format_json
                  .after_error_response(/.*/) do |code, body, _headers, message|
                    error(call('problem_message', code, body, message))
                  end
        { 'topic' => input['topic'], 'name' => created['name'], 'secret' => created['secret'], 'format' => created['format'] }
      end,

      # Runs without `call` and without HTTP (as on the platform), so the Standard Webhooks check is written out here:
      # HMAC-SHA256 with the secret's key over "id.timestamp.body", any v1 signature of the header may match, and a
      # timestamp more than 5 minutes away is refused. A delivery that does not verify emits nothing ([]).
      # The event is read from the body (structured), from ce- headers (binary) or X-Event headers (data); header values are
      # percent-decoded, a literal '+' kept.
      webhook_notification: lambda do |_input, payload, _extended_input_schema, _extended_output_schema, headers, _params, _connection, webhook_subscribe_output|
        found = (headers || {}).to_a.map { |name, value| [name.to_s.downcase, value.to_s] }
        id = found.select { |name, _value| name == 'webhook-id' }.map(&:last).first.to_s
        timestamp = found.select { |name, _value| name == 'webhook-timestamp' }.map(&:last).first.to_s
        signatures = found.select { |name, _value| name == 'webhook-signature' }.map(&:last).first.to_s.split(' ')
        secret = (webhook_subscribe_output || {})['secret'].to_s
        body = payload.to_s
        fresh = timestamp.match?(/\A\d+\z/) && (Time.now.to_i - timestamp.to_i).abs <= 300
        valid = fresh && secret.present? && id.present? && signatures.present? && begin
          key = secret.sub(/\Awhsec_/, '').decode_base64
          signed = "#{id}.#{timestamp}.#{body}"
          expected = "v1,#{signed.hmac_sha256(key).encode_base64.gsub(/\s/, '')}"
          signatures.any? { |signature| signature == expected }
        end
        if valid
          header = lambda do |name|
            value = found.select { |found_name, _value| found_name == name }.map(&:last).first
            value&.gsub('+', '%2B')&.decode_url
          end
          content_type = header.call('content-type').to_s
          json = content_type.blank? || content_type.match?(%r{\A[^;]*(/json|\+json)\s*(;|\z)}i)
          # The body is the data in the binary and data formats: JSON parsed, anything else kept as base64.
          data = json ? { 'data' => workato.parse_json(body) } : { 'data_base64' => body.encode_base64.gsub(/\s/, ''), 'data_content_type' => content_type }
          if header.call('ce-specversion').present?
            { 'id' => header.call('ce-id'), 'type' => header.call('ce-type'), 'source' => header.call('ce-source'),
              'subject' => header.call('ce-subject'), 'time' => header.call('ce-time'),
              'correlation_id' => header.call('ce-correlationid') }.merge(data)
          elsif header.call('x-event-id').present? && !content_type.start_with?('application/cloudevents')
            { 'id' => header.call('x-event-id'), 'type' => header.call('x-event-type'), 'source' => header.call('x-event-source'),
              'subject' => header.call('x-event-subject'), 'time' => header.call('x-event-time'),
              'correlation_id' => header.call('x-correlation-id') }.merge(data)
          else
            event = workato.parse_json(body)
            { 'id' => event['id'], 'type' => event['type'], 'source' => event['source'], 'subject' => event['subject'],
              'time' => event['time'], 'correlation_id' => event['correlationid'], 'data' => event['data'] }
              .merge(event['data_base64'] ? { 'data_base64' => event['data_base64'], 'data_content_type' => event['datacontenttype'] } : {})
          end
        else
          []
        end
      end,

      webhook_unsubscribe: lambda do |webhook_subscribe_output, _connection = nil|
        delete("api/topics/#{webhook_subscribe_output['topic'].to_s.encode_url}/subscriptions/#{webhook_subscribe_output['name'].to_s.encode_url}")
          .after_error_response(/.*/) do |code, body, _headers, message|
            error(call('problem_message', code, body, message)) unless code.to_i == 404 # already gone
          end
      end,

      dedup: lambda do |event|
        event['id']
      end,

      output_fields: lambda do |object_definitions|
        object_definitions['event']
      end,

      sample_output: lambda do |_connection, _input|
        call('sample_event')
      end
    },

    new_pulled_event: {
      title: 'New event on a pull subscription',
      subtitle: 'Polls a Bridge pull subscription, for recipes that cannot receive webhooks',
      description: "New <span class='provider'>event</span> on a <span class='provider'>Bridge</span> pull subscription",
      help: 'Each poll receives up to the batch size of events of a Bridge pull subscription (Delivery: pull) and completes ' \
            'them in Bridge. The connection\'s key must belong to the subscription\'s owner and hold subscribe:{topic}. ' \
            'An event whose completion fails stays locked in Bridge and comes again after its lock expires; the trigger ' \
            'drops the repeat by its id.',

      input_fields: lambda do |_object_definitions|
        [
          { name: 'topic', control_type: 'select', pick_list: 'topics', optional: false },
          { name: 'subscription', label: 'Pull subscription', optional: false,
            hint: 'The name of a pull subscription of the topic, e.g. erp-agent.' },
          { name: 'batch_size', label: 'Batch size', type: 'integer', control_type: 'integer', optional: true, sticky: true,
            convert_input: 'integer_conversion', hint: 'Events per poll, 1-100 (default 50).' }
        ]
      end,

      poll: lambda do |_connection, input, closure|
        size = (input['batch_size'].presence || 50).to_i.clamp(1, 100)
        path = "api/topics/#{input['topic'].to_s.encode_url}/subscriptions/#{input['subscription'].to_s.encode_url}/messages"
        items = post("#{path}/receive", { maxMessages: size, waitSeconds: 0 })
                .request_format_json
                .after_error_response(/.*/) do |code, body, _headers, message|
                  error(call('problem_message', code, body, message))
                end['items'] || []
        events = items.map { |item| call('event_fields', item['event']) }
        # Completed only once every event of the page is read, and a failed completion is not an error: that event
        # returns after its lock expires and dedup drops it, while raising here would lose the ones already completed.
        items.each do |item|
          post("#{path}/#{item['lockToken'].to_s.encode_url}/complete")
            .after_error_response(/.*/) { |_code, _body, _headers, _message| nil }
        end
        { events: events, next_poll: closure, can_poll_more: items.size >= size }
      end,

      dedup: lambda do |event|
        event['id']
      end,

      output_fields: lambda do |object_definitions|
        object_definitions['event']
      end,

      sample_output: lambda do |_connection, _input|
        call('sample_event')
      end
    }
  },

  pick_lists: {
    formats: lambda do |_connection|
      [['CloudEvent as JSON (structured, default)', 'structured'], ['CloudEvents binary (data as the body)', 'binary'],
       ['Data only (attributes in X-Event headers)', 'data']]
    end,

    topics: lambda do |_connection|
      get('api/topics')['items'].map { |topic| [topic['name'], topic['name']] }
    end,

    event_types: lambda do |_connection|
      get('api/contracts')['contracts'].map { |contract| [contract['eventType'], contract['eventType']] }
    end
  },

  methods: {
    # The trigger output of a structured CloudEvent.
    event_fields: lambda do |event|
      { 'id' => event['id'], 'type' => event['type'], 'source' => event['source'], 'subject' => event['subject'],
        'time' => event['time'], 'correlation_id' => event['correlationid'], 'data' => event['data'] }
        .merge(event['data_base64'] ? { 'data_base64' => event['data_base64'], 'data_content_type' => event['datacontenttype'] } : {})
    end,

    sample_event: lambda do
      { 'id' => '0f8e1c2d3b4a59687766554433221100', 'type' => 'order.created', 'source' => '/workato/recipes',
        'subject' => 'orders/12345', 'time' => '2026-11-22T10:00:00Z', 'correlation_id' => '4bf92f3577b34da6a3ce929d0e0e4736',
        'data' => { 'orderId' => '12345', 'amount' => 1500 } }
    end,

    # The JSON Schema of the latest contract of an event type, or nil when it has none.
    latest_schema: lambda do |event_type|
      next nil if event_type.blank?

      versions = get("api/contracts/#{event_type.to_s.encode_url}")
                 .after_error_response(/404/) { |_code, _body, _headers, _message| nil }
      next nil unless versions.present? && versions['latestVersion'].present?

      get("api/contracts/#{event_type.to_s.encode_url}/versions/#{versions['latestVersion']}")['schema']
    end,

    # Workato fields for the properties of a JSON Schema object.
    schema_fields: lambda do |schema|
      required = schema['required'] || []
      (schema['properties'] || {}).map do |name, property|
        type = Array.wrap(property['type']).reject { |t| t == 'null' }.first
        field = { name: name, optional: !required.include?(name), hint: property['description'] }.compact
        case type
        when 'integer' then field.merge(type: 'integer', control_type: 'integer', convert_input: 'integer_conversion')
        when 'number' then field.merge(type: 'number', control_type: 'number', convert_input: 'float_conversion')
        when 'boolean' then field.merge(type: 'boolean', control_type: 'checkbox', convert_input: 'boolean_conversion')
        when 'object' then field.merge(type: 'object', properties: call('schema_fields', property))
        when 'array'
          items = property['items'] || {}
          if items['type'] == 'object'
            field.merge(type: 'array', of: 'object', properties: call('schema_fields', items))
          else
            field.merge(type: 'array', of: items['type'] || 'string')
          end
        else
          enum = property['enum']
          enum.present? ? field.merge(control_type: 'select', pick_list: enum.map { |v| [v.to_s, v] }) : field.merge(type: 'string')
        end
      end
    end,

    # The data of a publish: the form's data, or the JSON text.
    event_data: lambda do |input|
      input['data'].presence || call('parse_data', input['data_json'])
    end,

    parse_data: lambda do |text|
      next {} if text.blank?

      begin
        workato.parse_json(text)
      rescue StandardError => e
        error("The data is not valid JSON: #{e.message}")
      end
    end,

    # CloudEvents HTTP binding (binary mode) headers of a publish.
    event_headers: lambda do |input|
      {
        'ce-type' => input['event_type'], 'ce-subject' => input['subject'], 'ce-id' => input['id'],
        'ce-partitionkey' => input['ordering_key'], 'X-Correlation-Id' => input['correlation_id'],
        'Idempotency-Key' => input['idempotency_key']
      }.reject { |_name, value| value.blank? }
    end,

    # One line from a Bridge ProblemDetails answer, with every listed error.
    problem_message: lambda do |code, body, message|
      problem = begin
        workato.parse_json(body.to_s)
      rescue StandardError
        nil
      end
      next "Bridge answered #{code}: #{message || body}" unless problem.is_a?(Hash)

      errors = problem['errors']
      details = if errors.is_a?(Array)
                  errors.map { |e| [e['path'], e['message']].compact.join(' ') }
                elsif errors.is_a?(Hash)
                  errors.map { |field, messages| "#{field}: #{Array.wrap(messages).join(' ')}" }
                else
                  []
                end
      ["Bridge answered #{code} #{problem['title']}: #{problem['detail']}", *details].join(' | ')
    end
  }
}
