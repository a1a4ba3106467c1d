# Runs the Workato connector against a real Bridge, as a recipe would: connection test, pick lists, dynamic fields from a
# contract, publishing (valid, refused by the contract, batch), the webhook trigger (subscribe, signed delivery,
# tampered deliveries refused, unsubscribe) and replay. Prints one line per check; exits 1 at the first failure.
#
#   BRIDGE_URL=http://127.0.0.1:5080 BRIDGE_KEY=brk_… BRIDGE_TOPIC=orders BRIDGE_SUBSCRIPTION=audit ruby connectors/workato/test/run.rb
#
# The key needs publish and subscribe scopes on the topic and admin (contracts are registered, a replay is tried).
require_relative 'harness'

CONNECTOR = File.expand_path('../connector.rb', __dir__)
BASE_URL = ENV.fetch('BRIDGE_URL')
KEY = ENV.fetch('BRIDGE_KEY')
TOPIC = ENV.fetch('BRIDGE_TOPIC', 'orders')
CONFIGURED = ENV.fetch('BRIDGE_SUBSCRIPTION', 'audit') # a subscription of the topic, for the replay check
EVENT_TYPE = "order.placed.#{Time.now.to_i}"

def check(what)
  result = yield
  raise "check failed: #{what}" unless result

  puts "ok - #{what}"
rescue StandardError => e
  puts "not ok - #{what}: #{e.class}: #{e.message}"
  exit 1
end

def raises(what, pattern)
  yield
  puts "not ok - #{what}: no error was raised"
  exit 1
rescue WorkatoHarness::ConnectorError => e
  check("#{what} (#{e.message[0, 160]})") { e.message.match?(pattern) }
end

# A direct call to Bridge, outside the connector (the test's own set-up and checks).
def bridge(method, path, body = nil)
  uri = URI.join(BASE_URL, path)
  request = Net::HTTP.const_get(method.capitalize).new(uri)
  request['Authorization'] = "Bearer #{KEY}"
  if body
    request['Content-Type'] = 'application/json'
    request.body = JSON.generate(body)
  end
  Net::HTTP.start(uri.host, uri.port) { |http| http.request(request) }
end

runtime = WorkatoHarness::Runtime.load(CONNECTOR, { 'base_url' => BASE_URL, 'api_key' => KEY })
wrong = WorkatoHarness::Runtime.load(CONNECTOR, { 'base_url' => BASE_URL, 'api_key' => 'brk_nobody_not-a-key' })

check('the connection test passes with a valid key') { runtime.test_connection['items'].is_a?(Array) }
raises('the connection test fails with a wrong key', /401/) { wrong.test_connection }
check("the topics pick list offers '#{TOPIC}'") { runtime.pick_list('topics').include?([TOPIC, TOPIC]) }

schema = { type: 'object', required: %w[orderId amount],
           properties: { orderId: { type: 'string', maxLength: 64 }, amount: { type: 'number', minimum: 0 },
                         express: { type: 'boolean' }, channel: { type: 'string', enum: %w[web store] } } }
registered = bridge('post', "/api/contracts/#{EVENT_TYPE}/versions", { schema: schema, description: 'Connector test' })
check('a contract is registered for the test event type') { registered.code == '201' }
check('the event types pick list offers the contract') { runtime.pick_list('event_types').include?([EVENT_TYPE, EVENT_TYPE]) }

config = { 'topic' => TOPIC, 'event_type' => EVENT_TYPE }
fields = runtime.input_fields(:publish_event, config)
data = fields.find { |f| f[:name] == 'data' }
check('the publish form is built from the contract') do
  props = data[:properties].to_h { |f| [f[:name], f] }
  props['orderId'][:optional] == false && props['amount'][:type] == 'number' && props['express'][:type] == 'boolean' &&
    props['channel'][:pick_list] == [%w[web web], %w[store store]] && fields.any? { |f| f[:name] == 'idempotency_key' }
end
check('an event type without a contract gets a JSON field') do
  runtime.input_fields(:publish_event, { 'topic' => TOPIC, 'event_type' => 'no.such.contract' }).any? { |f| f[:name] == 'data_json' }
end

published = runtime.execute(:publish_event, config.merge('data' => { 'orderId' => 'A-1', 'amount' => 15.5 }, 'subject' => 'orders/A-1'))
check('publishing a valid event answers its message id') { published['messageId'].to_s.length.positive? && published['topic'] == TOPIC }
raises('an event the contract refuses fails with the contract errors', /422.*orderId/) do
  runtime.execute(:publish_event, config.merge('data' => { 'amount' => -1 }))
end
batch = runtime.execute(:publish_batch, { 'topic' => TOPIC, 'events' => [
  { 'event_type' => EVENT_TYPE, 'data_json' => '{"orderId":"B-1","amount":1}' },
  { 'event_type' => EVENT_TYPE, 'data_json' => '{"orderId":"B-2","amount":2}', 'ordering_key' => 'customer-7' }
] })
check('a batch answers one message id per event') { batch['messageIds'].length == 2 }

# The trigger: starting the recipe subscribes Workato's webhook URL; every delivery is verified before it is used.
server = WorkatoHarness::WebhookServer.new
trigger = runtime.trigger(:new_event)
input = { 'topic' => TOPIC, 'event_types' => EVENT_TYPE }
subscription = runtime.run(trigger[:webhook_subscribe], server.url, runtime.connection, input, '4711')
check('subscribing creates a Bridge subscription and keeps its secret') do
  subscription['secret'].start_with?('whsec_') && bridge('get', "/api/topics/#{TOPIC}/subscriptions/#{subscription['name']}").code == '200'
end

sent = runtime.execute(:publish_event, config.merge('data' => { 'orderId' => 'T-1', 'amount' => 3 }, 'correlation_id' => 'connector-test'))
headers, body = server.next_delivery(30)
check('Bridge delivers the event to the webhook URL') { !body.nil? }
notify = ->(h, b) { runtime.run(trigger[:webhook_notification], input, b, nil, nil, h, {}, runtime.connection, subscription) }
event = notify.call(headers, body)
check('the notification verifies the signature and returns the event') do
  event && event['id'] == sent['messageId'] && event['data'] == { 'orderId' => 'T-1', 'amount' => 3 } &&
    event['correlation_id'] == 'connector-test' && event['type'] == EVENT_TYPE
end
check('the dedup key is the event id') { runtime.run(trigger[:dedup], event) == sent['messageId'] }
check('a tampered body is refused') { notify.call(headers, body.sub('T-1', 'T-2')).nil? }
check('a forged signature is refused') { notify.call(headers.merge('webhook-signature' => 'v1,AAAA'), body).nil? }
check('a stale timestamp is refused') { notify.call(headers.merge('webhook-timestamp' => (Time.now.to_i - 3600).to_s), body).nil? }
check('another subscription\'s secret does not verify') do
  notify.call(headers, body).present? &&
    runtime.run(trigger[:webhook_notification], input, body, nil, nil, headers, {}, runtime.connection,
                subscription.merge('secret' => "whsec_#{Base64.strict_encode64('x' * 32)}")).nil?
end

# Stopping the recipe unsubscribes: Bridge deletes the subscription and delivers nothing more.
runtime.run(trigger[:webhook_unsubscribe], subscription, runtime.connection)
check('unsubscribing deletes the Bridge subscription') { bridge('get', "/api/topics/#{TOPIC}/subscriptions/#{subscription['name']}").code == '404' }
runtime.execute(:publish_event, config.merge('data' => { 'orderId' => 'T-3', 'amount' => 4 }))
check('after unsubscribing nothing more is delivered') { server.next_delivery(3).nil? }
check('unsubscribing twice is harmless') do
  runtime.run(trigger[:webhook_unsubscribe], subscription, runtime.connection)
  true
end
server.close

raises('replaying a dead letter that does not exist names the problem', /404.*dead letter/i) do
  runtime.execute(:replay_dead_letter, { 'topic' => TOPIC, 'subscription' => CONFIGURED, 'message_id' => 'no-such-message' })
end
puts 'all connector checks passed'
